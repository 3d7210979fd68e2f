//===- ShodhRoutingOps.td ---------------------------------*- tablegen -*-===//
//
// Routing ops of sparse mixture-of-experts: router, top_k, dispatch, combine
// and router losses (docs/experts.md).
// Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_ROUTING_OPS_TD
#define SHODH_ROUTING_OPS_TD

#endif // SHODH_ROUTING_OPS_TD
