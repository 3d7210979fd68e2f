//===- TrainingTerms.cpp - Aux losses, PI controllers, routing outputs ----===//
//
// Implements the helpers of TrainingTerms.h that --shodh-build-training uses
// for `shodh.aux_loss`, `shodh.pi_controller` and @eval's routing outputs
// (the routing ops and their results as in docs/experts.md).
//
//===----------------------------------------------------------------------===//
#include "passes/TrainingTerms.h"
#include "dialect/ControlOps.h"
#include "dialect/ShodhOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The output name of aux term number `index` of a program.
std::string auxName(AuxLossOp op, unsigned index) {
  return op.getNameAttr() ? ("aux." + op.getNameAttr().getValue()).str()
                          : "aux." + std::to_string(index);
}

/// The type of a controller's λ state and of the λ it returns.
RankedTensorType lambdaType(MLIRContext *context) {
  return RankedTensorType::get({1}, Float32Type::get(context));
}

} // namespace

LogicalResult mlir::shodh::checkTrainingTerms(ModuleOp module,
                                              func::FuncOp infer) {
  llvm::StringSet<> auxNames, controllers;
  unsigned index = 0;
  WalkResult walk = infer.walk([&](Operation *op) {
    if (auto aux = dyn_cast<AuxLossOp>(op)) {
      std::string name = auxName(aux, index++);
      if (!auxNames.insert(name).second) {
        aux.emitOpError("names a second aux term '") << name << "'";
        return WalkResult::interrupt();
      }
    }
    auto pi = dyn_cast<PiControllerOp>(op);
    if (!pi)
      return WalkResult::advance();
    StringRef name = pi.getController();
    if (!controllers.insert(name).second) {
      pi.emitOpError("controller @") << name << " is used by a second "
                                     << "shodh.pi_controller";
      return WalkResult::interrupt();
    }
    for (StringRef which : {"lambda", "integral"}) {
      std::string state = piStateName(name, which);
      if (module.lookupSymbol(state)) {
        pi.emitOpError("--shodh-build-training would create @")
            << state << ", which the module already defines";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

void mlir::shodh::createPiStates(ModuleOp module, func::FuncOp infer) {
  Operation *last = nullptr;
  for (Operation &op : module.getBody()->getOperations())
    if (isa<ParamOp, StateOp>(op))
      last = &op;
  OpBuilder b(module.getContext());
  if (last)
    b.setInsertionPointAfter(last);
  else
    b.setInsertionPointToStart(module.getBody());
  infer.walk([&](PiControllerOp pi) {
    StringRef name = pi.getController();
    DictionaryAttr start = b.getDictionaryAttr(
        {b.getNamedAttr("kind", b.getStringAttr("constant")),
         b.getNamedAttr("a", pi.getLambda0Attr())});
    DictionaryAttr zeros =
        b.getDictionaryAttr(b.getNamedAttr("kind", b.getStringAttr("zeros")));
    b.create<StateOp>(pi.getLoc(), b.getStringAttr(piStateName(name, "lambda")),
                      TypeAttr::get(lambdaType(b.getContext())), ArrayAttr(),
                      start);
    b.create<StateOp>(pi.getLoc(),
                      b.getStringAttr(piStateName(name, "integral")),
                      TypeAttr::get(RankedTensorType::get({1}, b.getF64Type())),
                      ArrayAttr(), zeros);
  });
}

SmallVector<AuxTerm> mlir::shodh::takeAuxTerms(func::FuncOp func) {
  SmallVector<AuxTerm> terms;
  SmallVector<AuxLossOp> ops(func.getBody().getOps<AuxLossOp>());
  for (auto [index, op] : llvm::enumerate(ops)) {
    terms.push_back({op.getValue(), op.getWeight(),
                     op.getCoefficient().convertToDouble(),
                     auxName(op, index)});
    op.erase();
  }
  return terms;
}

SmallVector<PiTerm> mlir::shodh::replacePiControllers(func::FuncOp func) {
  SmallVector<PiTerm> terms;
  SmallVector<PiControllerOp> ops(func.getBody().getOps<PiControllerOp>());
  for (PiControllerOp op : ops) {
    PiTerm term{op.getController().str(), op.getMeasured(), {}};
    for (StringRef attr :
         {"setpoint", "kp", "ki", "lambda0", "lambda_min", "lambda_max"})
      term.gains.push_back(NamedAttribute(
          StringAttr::get(op.getContext(), attr), op->getAttr(attr)));
    OpBuilder b(op);
    auto ref = FlatSymbolRefAttr::get(
        b.getStringAttr(piStateName(term.controller, "lambda")));
    Value lambda = b.create<ReadOp>(op.getLoc(), op.getType(), ref);
    op.getResult().replaceAllUsesWith(lambda);
    op.erase();
    terms.push_back(std::move(term));
  }
  return terms;
}

void mlir::shodh::eraseDeadOps(func::FuncOp func) {
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

void mlir::shodh::stripTrainingTerms(func::FuncOp infer) {
  bool changed = !replacePiControllers(infer).empty();
  changed |= !takeAuxTerms(infer).empty();
  if (changed)
    eraseDeadOps(infer);
}

SmallVector<NamedOutput> mlir::shodh::appendPiUpdates(OpBuilder &builder,
                                                      ArrayRef<PiTerm> terms) {
  SmallVector<NamedOutput> outputs;
  for (const PiTerm &term : terms) {
    Location loc = term.measured.getLoc();
    SmallVector<NamedAttribute> attrs(term.gains);
    for (StringRef which : {"lambda", "integral"})
      attrs.push_back(builder.getNamedAttr(
          which, FlatSymbolRefAttr::get(builder.getStringAttr(
                     piStateName(term.controller, which)))));
    OperationState state(loc, PiUpdateOp::getOperationName());
    state.addOperands(term.measured);
    state.addTypes(lambdaType(builder.getContext()));
    state.addAttributes(attrs);
    Operation *update = builder.create(state);
    outputs.push_back({update->getResult(0), "pi." + term.controller});
  }
  return outputs;
}

void mlir::shodh::expandRoutedMoes(func::FuncOp func, Value &prediction) {
  SmallVector<MoeOp> layers(func.getBody().getOps<MoeOp>());
  for (MoeOp moe : layers) {
    if (!moe.getExperts().getDefiningOp<TopKOp>())
      continue;
    OpBuilder builder(moe);
    FailureOr<MoeChain> chain = expandMoe(builder, moe);
    if (failed(chain)) // the verifier admits no kind expandMoe lacks
      continue;
    if (prediction == moe.getResult())
      prediction = chain->combine.getResult();
    moe.erase();
  }
}

SmallVector<NamedOutput> mlir::shodh::collectRoutingOutputs(func::FuncOp func) {
  SmallVector<NamedOutput> outputs;
  unsigned index = 0;
  for (TopKOp topK : func.getBody().getOps<TopKOp>()) {
    std::string prefix = "routing." + std::to_string(index++) + ".";
    outputs.push_back({topK.getExperts(), prefix + "experts"});
    for (Operation *user : topK.getExperts().getUsers())
      if (auto dispatch = dyn_cast<DispatchOp>(user)) {
        outputs.push_back({dispatch.getOffsets(), prefix + "offsets"});
        break;
      }
    auto router = topK.getProbs().getDefiningOp<RouterOp>();
    if (router && router.getTokens().getDefiningOp<SpectralEnergyOp>())
      outputs.push_back({router.getTokens(), prefix + "energy"});
  }
  return outputs;
}
