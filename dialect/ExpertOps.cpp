//===- ExpertOps.cpp - Verifiers, shape rules, gradients and kernel lowering of the expert ops ===//
#include "dialect/ShodhOps.h"
