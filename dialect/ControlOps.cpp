//===- ControlOps.cpp - Verifiers, shape rules and lowering of aux_loss and the PI controller ===//
#include "dialect/ShodhOps.h"
