//===- ShodhInterfaces.h - Op interfaces of the shodh dialect ---*- C++ -*-===//
//
// Declares the op interfaces generated from ShodhInterfaces.td.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include "dialect/ShodhInterfaces.h.inc"
