# lit configuration of the shodh test suites (test/dialect, test/passes,
# test/compiler, test/tools, test/e2e). Loaded by the site config that CMake
# writes into <build>/test; run with
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv <build>/test
import os

import lit.formats

config.name = "shodh"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "lit.site.cfg.py.in",
                   "README.md", "Inputs", "unit"]

config.test_source_root = os.path.join(config.shodh_src_root, "test")
config.test_exec_root = os.path.join(config.shodh_obj_root, "test")

# Tools of this build first (shodhc, shodh-opt, shodh-run, shodh-data), then
# LLVM's FileCheck, not and count.
path = os.pathsep.join([config.shodh_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%shodh_src_root", config.shodh_src_root))
config.substitutions.append(("%shodh_tools_dir", config.shodh_tools_dir))

# The normal shodh-run loads the CUDA backend as a plugin built beside it
# (docs/cuda.md § How the backend is loaded).
if os.path.exists(os.path.join(config.shodh_tools_dir, "libshodh_cuda.so")):
    config.available_features.add("cuda-plugin")
