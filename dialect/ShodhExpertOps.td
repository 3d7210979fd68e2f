//===- ShodhExpertOps.td ----------------------------------*- tablegen -*-===//
//
// Expert ops (ExpertOpInterface) working on ragged token groups, patchify /
// unpatchify and interpolate (docs/experts.md).
// Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_EXPERT_OPS_TD
#define SHODH_EXPERT_OPS_TD

#endif // SHODH_EXPERT_OPS_TD
