//===- ShodhPhysicsOps.td ---------------------------------*- tablegen -*-===//
//
// Physics ops: divergence-free (Leray) projection, divergence and curl.
// Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_PHYSICS_OPS_TD
#define SHODH_PHYSICS_OPS_TD

#endif // SHODH_PHYSICS_OPS_TD
