// H5Output on any number of ranks: snapshot/checkpoint round trips in 1D/2D/3D, atomic
// commit, cleanup of uncommitted files, rank-independent checkpoints, XDMF sidecar.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/Error.h"
#include "io/H5Output.h"
#include "mesh/Mesh.h"

using namespace td;
namespace fs = std::filesystem;

namespace {

int world_rank() {
  int r = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &r);
  return r;
}

/// A fresh directory created by rank 0, known to all ranks, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string name;
    if (world_rank() == 0) {
      std::string tmpl = (fs::temp_directory_path() / "td_h5test_XXXXXX").string();
      if (mkdtemp(tmpl.data())) name = tmpl;
    }
    int n = static_cast<int>(name.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, PETSC_COMM_WORLD);
    name.resize(static_cast<std::size_t>(n));
    MPI_Bcast(name.data(), n, MPI_CHAR, 0, PETSC_COMM_WORLD);
    path_ = name;
  }
  ~TempDir() {
    MPI_Barrier(PETSC_COMM_WORLD);
    if (world_rank() == 0 && !path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

std::unique_ptr<Mesh> make_mesh(MPI_Comm comm, int dim, int dof) {
  const std::array<int, 3> n{7, 5, 3};
  std::array<Axis, 3> axes;
  for (int a = 0; a < 3; ++a)
    axes[a].nodes = a < dim ? uniform_nodes(0.5 * a, 1.0 + a, n[a]) : std::vector<double>{0.0, 1.0};
  return std::make_unique<Mesh>(comm, dim, axes, dof);
}

/// Known value of component @p c at global cell index @p g (exactly representable).
double known(long g, int c) { return 10.0 * static_cast<double>(g) + c + 0.25; }

Vec make_filled(const Mesh& mesh) {
  Vec v;
  DMCreateGlobalVector(mesh.dm(), &v);
  PetscScalar* a;
  VecGetArray(v, &a);
  const auto s = mesh.start(), c = mesh.count();
  long local = 0;
  for (int k = s[2]; k < s[2] + c[2]; ++k)
    for (int j = s[1]; j < s[1] + c[1]; ++j)
      for (int i = s[0]; i < s[0] + c[0]; ++i) {
        const long g =
            i + static_cast<long>(mesh.cells(0)) * (j + static_cast<long>(mesh.cells(1)) * k);
        for (int d = 0; d < mesh.dof(); ++d) a[local * mesh.dof() + d] = known(g, d);
        ++local;
      }
  VecRestoreArray(v, &a);
  return v;
}

/// Number of entries of @p v (all components, or component @p comp) that differ from known().
long mismatches(const Mesh& mesh, Vec v, int comp) {
  const PetscScalar* a;
  VecGetArrayRead(v, &a);
  DM dm;
  VecGetDM(v, &dm);
  PetscInt xs, ys, zs, xm, ym, zm, dof;
  DMDAGetCorners(dm, &xs, &ys, &zs, &xm, &ym, &zm);
  DMDAGetInfo(dm, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &dof, nullptr,
              nullptr, nullptr, nullptr, nullptr);
  long bad = 0, local = 0;
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        const long g =
            i + static_cast<long>(mesh.cells(0)) * (j + static_cast<long>(mesh.cells(1)) * k);
        for (PetscInt d = 0; d < dof; ++d)
          if ((comp < 0 || d == comp) && a[local * dof + d] != known(g, static_cast<int>(d))) ++bad;
        ++local;
      }
  VecRestoreArrayRead(v, &a);
  long total = 0;
  MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, PETSC_COMM_WORLD);
  return total;
}

bool exists_everywhere(const std::string& path) {
  int mine = fs::exists(path) ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  return all == 1;
}

bool exists_anywhere(const std::string& path) {
  int mine = fs::exists(path) ? 1 : 0, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  return any == 1;
}

std::vector<double> read_series_serial(const std::string& file, const std::string& name) {
  std::vector<double> v;
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return v;
  hid_t d = H5Dopen2(f, ("/timeseries/" + name).c_str(), H5P_DEFAULT);
  if (d >= 0) {
    hid_t s = H5Dget_space(d);
    v.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Sclose(s);
    H5Dclose(d);
  }
  H5Fclose(f);
  return v;
}

}  // namespace

TEST(H5OutputMpi, RoundTripAllDimensions) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (int dim = 1; dim <= 3; ++dim) {
    SCOPED_TRACE(fmt::format("dim {}", dim));
    const int dof = 3;
    auto mesh = make_mesh(PETSC_COMM_WORLD, dim, dof);
    const std::string path = dir.file(fmt::format("r{}.h5", dim));
    Vec v = make_filled(*mesh);
    {
      H5Output out(*mesh, path, "title = \"test\"\n", "SI", "m");
      EXPECT_TRUE(exists_everywhere(path + ".partial"));
      out.begin_snapshot(0.5, 7);
      for (int c = 0; c < dof; ++c) out.write_field(fmt::format("f{}", c), v, c, "1/m^3");
      out.end_snapshot();
      for (int r = 0; r < 3; ++r) {
        out.append_time(0.1 * r);
        out.append_series("total", 2.0 * r, "amount");
      }
      out.write_checkpoint(v, 0.5, 7);
      out.commit();
    }
    EXPECT_FALSE(exists_anywhere(path + ".partial"));
    EXPECT_TRUE(exists_everywhere(path));

    for (int c = 0; c < dof; ++c) {
      Vec w;
      VecDuplicate(v, &w);
      VecSet(w, -1.0);
      H5Output::read_field(PETSC_COMM_WORLD, path, fmt::format("/snapshots/000000/f{}", c), w, c);
      EXPECT_EQ(mismatches(*mesh, w, c), 0) << "field f" << c;
      VecDestroy(&w);
    }
    Vec w;
    VecDuplicate(v, &w);
    VecSet(w, -1.0);
    const auto [t, step] = H5Output::read_checkpoint(PETSC_COMM_WORLD, path, w);
    EXPECT_EQ(t, 0.5);
    EXPECT_EQ(step, 7);
    EXPECT_EQ(mismatches(*mesh, w, -1), 0);
    VecDestroy(&w);

    // The checkpoint does not depend on the decomposition: every rank reads it alone.
    {
      auto serial = make_mesh(PETSC_COMM_SELF, dim, dof);
      Vec s;
      DMCreateGlobalVector(serial->dm(), &s);
      H5Output::read_checkpoint(PETSC_COMM_SELF, path, s);
      Vec ref = make_filled(*serial);
      PetscBool eq;
      VecEqual(s, ref, &eq);
      EXPECT_TRUE(eq);
      VecDestroy(&ref);
      VecDestroy(&s);
    }

    if (world_rank() == 0) {
      EXPECT_EQ(read_series_serial(path, "time"), (std::vector<double>{0.0, 0.1, 0.2}));
      EXPECT_EQ(read_series_serial(path, "total"), (std::vector<double>{0.0, 2.0, 4.0}));
    }
    VecDestroy(&v);
  }
}

TEST(H5OutputMpi, UncommittedWriterLeavesNoFile) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto mesh = make_mesh(PETSC_COMM_WORLD, 2, 1);
  const std::string path = dir.file("aborted.h5");
  Vec v = make_filled(*mesh);
  {
    H5Output out(*mesh, path, "", "SI", "m");
    out.begin_snapshot(0.0, 0);
    out.write_field("c", v, 0, "1/m^3");
    out.end_snapshot();
  }
  EXPECT_FALSE(exists_anywhere(path + ".partial"));
  EXPECT_FALSE(exists_anywhere(path));

  // keep_partial(): the interrupted run's checkpoint survives for a restart, and resume()
  // continues the same file.
  {
    H5Output out(*mesh, path, "", "SI", "m");
    out.append_time(0.0);
    out.append_series("total", 1.0, "amount");
    out.write_checkpoint(v, 0.25, 3);
    out.keep_partial();
  }
  EXPECT_TRUE(exists_everywhere(path + ".partial"));
  Vec w;
  VecDuplicate(v, &w);
  const auto [t, step] = H5Output::read_checkpoint(PETSC_COMM_WORLD, path + ".partial", w);
  EXPECT_EQ(t, 0.25);
  EXPECT_EQ(step, 3);
  EXPECT_EQ(mismatches(*mesh, w, -1), 0);
  {
    auto out = H5Output::resume(*mesh, path);
    out->begin_snapshot(1.0, 9);
    out->write_field("c", v, 0, "1/m^3");
    out->end_snapshot();
    out->append_time(1.0);
    out->append_series("total", 2.0, "amount");
    out->commit();
  }
  EXPECT_FALSE(exists_anywhere(path + ".partial"));
  EXPECT_TRUE(exists_everywhere(path));
  if (world_rank() == 0) {
    EXPECT_EQ(read_series_serial(path, "time"), (std::vector<double>{0.0, 1.0}));
    EXPECT_EQ(read_series_serial(path, "total"), (std::vector<double>{1.0, 2.0}));
  }
  VecSet(w, 0.0);
  H5Output::read_field(PETSC_COMM_WORLD, path, "/snapshots/000000/c", w, 0);
  EXPECT_EQ(mismatches(*mesh, w, 0), 0);
  VecDestroy(&w);
  VecDestroy(&v);
}

TEST(H5OutputMpi, ErrorsNameFileAndDataset) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto mesh = make_mesh(PETSC_COMM_WORLD, 2, 2);
  Vec v = make_filled(*mesh);
  EXPECT_THROW(H5Output(*mesh, dir.file("no/such/dir/x.h5"), "", "SI", "m"), IoError);

  const std::string path = dir.file("e.h5");
  {
    H5Output out(*mesh, path, "", "SI", "m");
    out.write_field("c", v, 0, "1/m^3");
    out.commit();
  }
  try {
    H5Output::read_field(PETSC_COMM_WORLD, path, "/snapshots/000000/nope", v, 0);
    ADD_FAILURE() << "missing dataset not reported";
  } catch (const IoError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("/snapshots/000000/nope"), std::string::npos) << msg;
  }
  EXPECT_THROW(H5Output::read_checkpoint(PETSC_COMM_WORLD, path, v), IoError);
  {
    H5Output out(*mesh, path, "", "SI", "m");
    out.write_checkpoint(v, 0.0, 0);
    out.commit();
  }
  auto other = make_mesh(PETSC_COMM_WORLD, 2, 3);
  Vec u;
  DMCreateGlobalVector(other->dm(), &u);
  try {
    H5Output::read_checkpoint(PETSC_COMM_WORLD, path, u);
    ADD_FAILURE() << "shape mismatch not reported";
  } catch (const IoError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("/checkpoint/state"), std::string::npos) << msg;
  }
  VecDestroy(&u);
  VecDestroy(&v);
}

TEST(H5OutputMpi, XdmfSidecarNamesDatasets) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (int dim = 1; dim <= 3; ++dim) {
    SCOPED_TRACE(fmt::format("dim {}", dim));
    auto mesh = make_mesh(PETSC_COMM_WORLD, dim, 1);
    const std::string path = dir.file(fmt::format("x{}.h5", dim));
    Vec v = make_filled(*mesh);
    {
      H5Output out(*mesh, path, "", "LJ(copper)", "sigma");
      for (int s = 0; s < 2; ++s) {
        out.begin_snapshot(0.5 * s, s);
        out.write_field("c_solute", v, 0, "sigma^-3");
        out.write_field("T", v, 0, "epsilon/k_B");
        out.end_snapshot();
      }
      out.commit();
    }
    const std::string xmf = dir.file(fmt::format("x{}.xmf", dim));
    EXPECT_TRUE(exists_everywhere(xmf));
    if (world_rank() == 0) {
      std::ifstream in(xmf);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      const std::string h5 = fmt::format("x{}.h5", dim);
      for (const std::string& want :
           {h5 + ":/mesh/x", h5 + ":/snapshots/000000/c_solute", h5 + ":/snapshots/000001/T",
            std::string("CollectionType=\"Temporal\""), std::string("<Time Value=\"0.5\"/>"),
            std::string(dim == 3 ? "3DRectMesh" : "2DRectMesh")})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
      EXPECT_FALSE(fs::exists(xmf + ".tmp"));
    }
    VecDestroy(&v);
  }
}

/// Whole dataset @p name of @p file read serially (rank 0), with its shape.
std::pair<std::vector<double>, std::vector<hsize_t>> read_dataset_serial(const std::string& file,
                                                                         const std::string& name) {
  std::vector<double> v;
  std::vector<hsize_t> shape;
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return {v, shape};
  hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  if (d >= 0) {
    hid_t s = H5Dget_space(d);
    shape.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)));
    H5Sget_simple_extent_dims(s, shape.data(), nullptr);
    v.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Sclose(s);
    H5Dclose(d);
  }
  H5Fclose(f);
  return {v, shape};
}

// A vector field is stored as (cells..., 3) with the mesh's components in place and zeros
// beyond its dimension, whatever the decomposition; the sidecar shows it as a vector; a run in
// progress has a sidecar of its own that commit() replaces.
TEST(H5OutputMpi, VectorFieldsAndPartialSidecar) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (int dim = 1; dim <= 3; ++dim) {
    SCOPED_TRACE(fmt::format("dim {}", dim));
    const int dof = dim + 1;  // component 0 a scalar, then the vector
    auto mesh = make_mesh(PETSC_COMM_WORLD, dim, dof);
    const std::string path = dir.file(fmt::format("v{}.h5", dim));
    Vec v = make_filled(*mesh);
    {
      H5Output out(*mesh, path, "", "SI", "m");
      out.begin_snapshot(0.0, 0);
      out.write_field("c", v, 0, "1/m^3");
      out.write_vector_field("J", v, 1, "1/(m^2 s)");
      out.end_snapshot();
      EXPECT_TRUE(exists_everywhere(path + ".partial.xmf"));
      EXPECT_FALSE(exists_anywhere(dir.file(fmt::format("v{}.xmf", dim))));
      out.commit();
    }
    EXPECT_FALSE(exists_anywhere(path + ".partial.xmf"));
    if (world_rank() == 0) {
      const auto [J, shape] = read_dataset_serial(path, "/snapshots/000000/J");
      ASSERT_EQ(static_cast<int>(shape.size()), dim + 1);
      EXPECT_EQ(shape.back(), static_cast<hsize_t>(H5Output::kVectorComponents));
      long bad = 0;
      for (std::size_t cell = 0; cell < J.size() / 3; ++cell)
        for (int k = 0; k < 3; ++k) {
          const double want = k < dim ? known(static_cast<long>(cell), 1 + k) : 0.0;
          if (J[3 * cell + static_cast<std::size_t>(k)] != want) ++bad;
        }
      EXPECT_EQ(bad, 0);
      std::ifstream in(dir.file(fmt::format("v{}.xmf", dim)));
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      EXPECT_NE(text.find("Name=\"J\" AttributeType=\"Vector\""), std::string::npos) << text;
      EXPECT_NE(text.find("Name=\"c\" AttributeType=\"Scalar\""), std::string::npos) << text;
      // the vector's data item has the cell dimensions and three components
      std::string cells;
      for (int a = dim - 1; a >= 0; --a) cells += fmt::format("{} ", mesh->cells(a));
      EXPECT_NE(text.find(fmt::format("Dimensions=\"{}3\"", cells)), std::string::npos) << text;
    }
    VecDestroy(&v);
  }
}

TEST(H5OutputMpi, NonFiniteValuesAreRefusedWithTheirCell) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const bool holder = world_rank() == size - 1;
  // one component (written from the vector's own array) and three (through a buffer)
  for (int dof : {1, 3}) {
    SCOPED_TRACE(fmt::format("dof {}", dof));
    auto mesh = make_mesh(PETSC_COMM_WORLD, 2, dof);
    Vec v = make_filled(*mesh);
    // NaN in the last component of the last rank's first owned cell
    PetscScalar* a;
    VecGetArray(v, &a);
    if (holder) a[dof - 1] = std::numeric_limits<double>::quiet_NaN();
    VecRestoreArray(v, &a);
    const auto s = mesh->start();
    const std::string cell = holder ? fmt::format("cell ({}, {}, 0) = nan", s[0], s[1])
                                    : std::string(size > 1 ? "on another rank" : "");
    const std::string path = dir.file(fmt::format("nan{}.h5", dof));
    auto refused = [&](auto&& write, const std::string& dataset) {
      try {
        write();
        ADD_FAILURE() << dataset << ": non-finite value written";
      } catch (const SolverError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(dataset + " at t = 0: 1 non-finite value(s), first " + cell),
                  std::string::npos)
            << msg;
        EXPECT_NE(msg.find(path + ".partial"), std::string::npos) << msg;
      }
    };
    {
      H5Output out(*mesh, path, "", "SI", "m");
      out.keep_partial();
      out.begin_snapshot(0.0, 0);
      if (dof > 1) EXPECT_NO_THROW(out.write_field("finite", v, 0, "1/m^3"));
      refused([&] { out.write_field("c", v, dof - 1, "1/m^3"); }, "/snapshots/000000/c");
      if (dof > 1)
        refused([&] { out.write_vector_field("J", v, 1, "1/(m^2 s)"); }, "/snapshots/000000/J");
    }
    // the refused datasets were never created; the finite one was written
    MPI_Barrier(PETSC_COMM_WORLD);
    if (world_rank() == 0) {
      const hid_t f = H5Fopen((path + ".partial").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      ASSERT_GE(f, 0);
      auto has = [f](const char* link) { return H5Lexists(f, link, H5P_DEFAULT) > 0; };
      EXPECT_TRUE(has("/snapshots/000000"));
      EXPECT_EQ(has("/snapshots/000000/finite"), dof > 1);
      EXPECT_FALSE(has("/snapshots/000000/c"));
      EXPECT_FALSE(has("/snapshots/000000/J"));
      H5Fclose(f);
      if (dof > 1) {
        const auto [finite, shape] =
            read_dataset_serial(path + ".partial", "/snapshots/000000/finite");
        long bad = 0;
        for (std::size_t cell_index = 0; cell_index < finite.size(); ++cell_index)
          if (finite[cell_index] != known(static_cast<long>(cell_index), 0)) ++bad;
        EXPECT_EQ(bad, 0);
      }
    }
    VecDestroy(&v);
  }
}
