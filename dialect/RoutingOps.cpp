//===- RoutingOps.cpp - Verifiers, shape rules, gradients and kernel lowering of the routing ops ===//
#include "dialect/ShodhOps.h"
