#!/usr/bin/env bash
# The installed package works without the source tree: `cmake --install` into a fresh prefix;
# the installed program and Python module run examples from another directory and find their
# data there (--version names the prefix's data directory); a program outside the project
# builds against the installed CMake package and against the pkg-config file, and runs.
# usage: test_install.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
failures=0
passed=0
step() {
  local name=$1
  shift
  if "$@" > "$work/log.txt" 2>&1; then
    echo "$name: ok"
    passed=$((passed + 1))
  else
    echo "$name: FAILED"
    sed 's/^/    | /' "$work/log.txt" | tail -30
    failures=$((failures + 1))
  fi
}
step "cmake --install" cmake --install "$build" --prefix "$prefix"
for f in bin/thermodrift include/thermodrift/core/Units.h include/thermodrift/thermodrift/Version.h \
         share/thermodrift/data/materials/Cu.toml share/thermodrift/scripts/plot_case.py; do
  step "installed $f" test -e "$prefix/$f"
done
libdir=$(cd "$prefix" && ls -d lib*/cmake/thermodrift | head -1)
step "CMake package config" test -e "$prefix/$libdir/thermodriftConfig.cmake"
pc=$(ls "$prefix"/lib*/pkgconfig/thermodrift.pc 2>/dev/null | head -1)
step "pkg-config file" test -n "$pc"

run_dir=$work/elsewhere
mkdir -p "$run_dir"
# the default example at a smaller size, and the column model (needs the installed material data)
sed -e 's/cells = 128/cells = 32/' -e 's/cells = 64/cells = 16/' "$src/examples/soret_cell_2d.toml" \
  > "$run_dir/cell.toml"
cat > "$run_dir/column.toml" <<'TOML'
[material]
preset = "Cu"
[column]
length = "115 nm"
diameter = "60 nm"
T_hot = 700.0
T_cold = 650.0
[column.response]
type = "linear_drag"
friction = "1.32e14 Pa s/m"
[numerics]
cells = 16
TOML
version_has_prefix() { "$prefix/bin/thermodrift" --version | grep -q "data: $prefix/share/thermodrift/data"; }
step "installed --version names the installed data" version_has_prefix
installed_run() {
  cd "$run_dir" && env -u THERMODRIFT_DATA "$prefix/bin/thermodrift" run cell.toml -o cell.h5 -q \
    && test -s cell.h5
}
step "installed program runs an example from another directory" installed_run
installed_column() {
  cd "$run_dir" && env -u THERMODRIFT_DATA "$prefix/bin/thermodrift" column column.toml -o col.csv \
    && test -s col.csv
}
step "installed program reads the installed material presets" installed_column
cmake_consumer() {
  cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release && cmake --build "$work/consumer" -j2 \
    && "$work/consumer/consumer" | grep -q "consumer ok"
}
step "external program via find_package(thermodrift)" cmake_consumer
pkgconfig_consumer() {
  PKG_CONFIG_PATH=$(dirname "$pc") c++ -std=c++20 -O1 "$src/tests/install/consumer.cpp" \
    -o "$work/pc_consumer" $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs thermodrift) \
    && "$work/pc_consumer" | grep -q "consumer ok"
}
step "external program via pkg-config" pkgconfig_consumer
python_module() {
  # the installed package alone: not the build tree's (PYTHONPATH is only the prefix's)
  cd "$run_dir" && env -u THERMODRIFT_DATA PYTHONPATH="$prefix/lib/python3/dist-packages" \
    /usr/bin/python3 -c "
import thermodrift
assert thermodrift.__file__.startswith('$prefix/'), thermodrift.__file__
r = thermodrift.run('cell.toml', output='py.h5')
print(r)
assert r.fields['c_solute'].shape == (16, 32)
" && test -s py.h5
}
step "installed Python module runs an example" python_module
# Every installed example, run by the installed program from a directory of its own: the
# inputs stay in the prefix (data files they name are found beside them), the results go to
# the current directory (-o). The MD set-ups are checked with --dry-run (their LAMMPS runs take
# minutes to hours); the fit and continuum steps of the MD pipeline need those runs' output.
ex=$prefix/share/thermodrift/examples
run_example() {
  local sub=$1 input=$2
  shift 2
  local dir
  dir=$(mktemp -d "$work/example.XXXX")
  (cd "$dir" && env -u THERMODRIFT_DATA "$prefix/bin/thermodrift" "$sub" "$ex/$input" -q "$@")
}
for spec in "run soret_cell_2d.toml" "run heated_cell_transient.toml" "run two_slab_lj.toml" \
            "bd bd/ito_periodic.toml" "bd bd/anti_ito_periodic.toml" \
            "kmc kmc/adatom_gradient.toml" "kmc kmc/adatom_phi_table.toml" \
            "lattice lattice/square_scan.toml" "lattice lattice/honeycomb_scan.toml"; do
  set -- $spec
  step "installed example $2 ($1)" run_example "$1" "$2" -o result.h5
done
for input in md_pipeline/md_ehex.toml md_pipeline/md_msd.toml md_adatom/md_slab.toml \
             md_adatom/md_ti.toml md_adatom/md_cluster_ti.toml md_data_file/md_ehex.toml md_data_file/md_msd.toml \
             md_water/md_ehex_tiny.toml; do
  step "installed example $input (md --dry-run)" run_example md "$input" --dry-run -o out/
done
echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
