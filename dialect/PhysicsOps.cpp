//===- PhysicsOps.cpp - Verifiers, shape rules, gradients and lowering of the physics ops ===//
#include "dialect/ShodhOps.h"
