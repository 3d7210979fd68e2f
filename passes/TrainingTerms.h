//===- TrainingTerms.h - Aux losses, PI controllers, routing outputs -*- C++
//-*-===//
//
// The parts of --shodh-build-training that go beyond forward + loss +
// backward + optimizer (docs/training.md § Auxiliary losses, § PI
// controller; docs/experts.md):
//
//   - `shodh.aux_loss` terms are taken out of each program: @train_step
//     seeds the backward graph with `aux_loss_grad` = c·weight at each term's
//     value and returns the values as `aux.<name>`; @eval returns them too;
//     @infer drops them and what only they used;
//   - every `shodh.pi_controller` gets its states `pi.<name>.lambda` and
//     `pi.<name>.integral`, becomes a read of λ in every program, and
//     @train_step ends with one `shodh.pi_update` per controller, whose
//     result (the λ the step used) it returns as `pi.<name>`;
//   - @eval returns the expert ids of every `shodh.top_k` as
//     `routing.<i>.experts` (and, where present, the dispatch offsets and the
//     spectral energy its router was fed as `routing.<i>.offsets` and
//     `routing.<i>.energy`) for `shodh-run eval`'s routing statistics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::shodh {

/// One auxiliary term of a program: value, optional weight, coefficient and
/// its output name ("aux.<name>").
struct AuxTerm {
  Value value;
  Value weight;
  double coefficient = 0.0;
  std::string name;
};

/// One PI controller of a program, replaced by a read of its λ state.
struct PiTerm {
  std::string controller;
  Value measured;
  /// The pi_controller's gain attributes (setpoint, kp, ...).
  SmallVector<NamedAttribute> gains;
};

/// A named extra output of a program.
struct NamedOutput {
  Value value;
  std::string name;
};

/// Checks the aux_loss and pi_controller ops of `infer`: distinct aux names
/// and controller names, and no existing symbol where a controller's states
/// will go.
LogicalResult checkTrainingTerms(ModuleOp module, func::FuncOp infer);

/// Creates the states of every pi_controller of `infer` (λ starting at
/// lambda0, integral 0) after the last parameter or state of `module`.
void createPiStates(ModuleOp module, func::FuncOp infer);

/// Erases the aux_loss ops of `func` and returns their terms in order. Run
/// `replacePiControllers` first: a term's weight may be a controller's λ.
SmallVector<AuxTerm> takeAuxTerms(func::FuncOp func);

/// Replaces every pi_controller of `func` by a read of its λ state and
/// returns them in order.
SmallVector<PiTerm> replacePiControllers(func::FuncOp func);

/// Erases the ops of `func` whose results are unused and that have no
/// side effects, last first.
void eraseDeadOps(func::FuncOp func);

/// Strips the training terms out of @infer: aux terms and what only they
/// used, controllers become reads of λ.
void stripTrainingTerms(func::FuncOp infer);

/// Appends `shodh.pi_update` for each of `terms` with `builder`; returns the
/// λ each returns, named "pi.<controller>".
SmallVector<NamedOutput> appendPiUpdates(OpBuilder &builder,
                                         ArrayRef<PiTerm> terms);

/// The routing tensors of @eval's body `func`: per `shodh.top_k`, in order,
/// "routing.<i>.experts", and "routing.<i>.offsets" / "routing.<i>.energy"
/// when a dispatch consumes them / the router reads a spectral energy.
SmallVector<NamedOutput> collectRoutingOutputs(func::FuncOp func);

/// Expands every fused `shodh.moe` of `func` routed by a `shodh.top_k` back
/// into its dispatch -> expert -> combine chain, so that @eval can return
/// the dispatch's offsets (the kept rows per expert: without them the
/// routing report cannot count drops or name an expert no token chose).
/// `prediction` follows a layer it names.
void expandRoutedMoes(func::FuncOp func, Value &prediction);

} // namespace mlir::shodh
