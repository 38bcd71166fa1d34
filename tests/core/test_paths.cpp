// Output names (core/Paths.h output_path): a name that cannot be the run's output is an input
// error before any work, naming the name and why: the input file itself (it was overwritten
// with HDF5) and an existing directory (the run failed at its final rename, after the work,
// leaving .partial files behind), whether given with -o, by the key, or derived.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Paths.h"

namespace {

using namespace td;

const ParamSpec kFile{
    "file",       ParamSpec::Type::String, "\"\"", units::Kind::dimensionless, Range::any(), {},
    "output file"};
const KeyDeclaration kOutputKeys({"test_paths_output", "", "test", "Keys of this test.", {&kFile}});

/// The message of the InputError output_path throws for -o @p cli and the input text
/// @p text of file @p input ("" if it returns), and the name it returns in @p name.
std::string output_error(const std::string& input, const std::string& text, const std::string& cli,
                         std::string* name = nullptr) {
  std::ofstream(input) << text;
  InputSection doc = InputSection::parse_file(input);
  InputSection out = doc.section("test_paths_output", true);
  try {
    const std::string got = output_path(out, kFile, cli, ".h5");
    if (name) *name = got;
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(OutputPath, TheInputFileAndDirectoriesAreRefusedUpFront) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "td_output_path";
  fs::remove_all(dir);
  fs::remove_all("case_td_paths.h5");
  fs::create_directories(dir / "busy.h5");
  const std::string input = (dir / "case.toml").string();
  const std::string plain = "x = 1\n";
  std::string m = output_error(input, plain, input);
  EXPECT_NE(m.find("key '-o': output name " + input + " is not usable: it is " + input +
                   ", an input of this run"),
            std::string::npos)
      << m;
  m = output_error(input, plain, (dir / "busy.h5").string());
  EXPECT_NE(m.find("is not usable: it is a directory"), std::string::npos) << m;
  m = output_error(input, "[test_paths_output]\nfile = \"" + input + "\"\n", "");
  EXPECT_NE(m.find("key 'test_paths_output.file': output name"), std::string::npos) << m;
  EXPECT_NE(m.find("an input of this run, which the run would overwrite"), std::string::npos) << m;
  // the derived name <input stem>.h5 taken by a directory
  fs::create_directories("case_td_paths.h5");
  const std::string derived_input = (dir / "case_td_paths.toml").string();
  m = output_error(derived_input, plain, "");
  EXPECT_NE(m.find("the default output name case_td_paths.h5 is not usable: it is a directory"),
            std::string::npos)
      << m;
  fs::remove_all("case_td_paths.h5");
  std::string name;
  EXPECT_EQ(output_error(input, plain, (dir / "result.h5").string(), &name), "");
  EXPECT_EQ(name, (dir / "result.h5").string());
  EXPECT_EQ(output_error(derived_input, plain, "", &name), "");
  EXPECT_EQ(name, "case_td_paths.h5");
  // a prefix (suffix "_") may be a directory
  std::ofstream(input) << plain;
  InputSection doc = InputSection::parse_file(input);
  InputSection out = doc.section("test_paths_output", true);
  const std::string folder = (dir / "busy.h5").string() + "/";
  EXPECT_EQ(output_path(out, kFile, folder, "_"), folder);
}

TEST(OutputPath, AFileTheInputNamesIsRefusedUnderAnyOfItsNames) {
  // a data file the input names (input_path, relative to the input) is an input too: given
  // as -o by another path or reached through a symbolic link (tests/io: every writer refuses
  // it too)
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "td_output_data";
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  std::ofstream(dir / "data" / "table.dat") << "1 2\n";
  fs::create_symlink(dir / "data" / "table.dat", dir / "link.dat");
  const std::string input = (dir / "case.toml").string();
  std::ofstream(input) << "[test_paths_output]\n";
  InputSection doc = InputSection::parse_file(input);
  EXPECT_EQ(input_path(doc, "data/table.dat"), (dir / "data" / "table.dat").string());
  InputSection out = doc.section("test_paths_output", true);
  for (const std::string cli :
       {(dir / "data" / "table.dat").string(),
        (dir / "data" / ".." / "data" / "table.dat").string(), (dir / "link.dat").string()}) {
    try {
      output_path(out, kFile, cli, ".h5");
      ADD_FAILURE() << cli << " accepted as output";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("an input of this run"), std::string::npos) << e.what();
    }
  }
  std::ifstream in(dir / "data" / "table.dat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "1 2\n");
  // a file the input does not name is an output like any other
  EXPECT_EQ(output_path(out, kFile, (dir / "result.h5").string(), ".h5"),
            (dir / "result.h5").string());
}

}  // namespace
