//===- ShodhControlOps.td ---------------------------------*- tablegen -*-===//
//
// Training-time control: auxiliary loss terms and the PI controller.
// Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_CONTROL_OPS_TD
#define SHODH_CONTROL_OPS_TD

#endif // SHODH_CONTROL_OPS_TD
