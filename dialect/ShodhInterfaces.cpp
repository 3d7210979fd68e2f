//===- ShodhInterfaces.cpp - Op interfaces of the shodh dialect -----------===//
//
// Instantiates the op interfaces generated from ShodhInterfaces.td.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhInterfaces.h"

#include "dialect/ShodhInterfaces.cpp.inc"
