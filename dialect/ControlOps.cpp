//===- ControlOps.cpp - aux_loss and the PI controller
//---------------------===//
//
// Verifiers, the shape rule of `aux_loss_grad`, the symbol checks of
// `pi_update` and the kernel lowering of the control ops (ShodhControlOps.td).
// `aux_loss` and `pi_controller` have no kernel: --shodh-build-training
// rewrites them.
//
//===----------------------------------------------------------------------===//
#include "dialect/ControlOps.h"
#include "dialect/ShapeRules.h"
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

std::string mlir::shodh::piStateName(StringRef controller, StringRef which) {
  return ("pi." + controller + "." + which).str();
}

/// Formats `value` the short way ("0.1", "1e-08").
static std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// Returns true for `tensor<1xf32>`.
static bool isScalarF32(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getShape() == ArrayRef<int64_t>{1} &&
         ranked.getElementType().isF32();
}

/// Checks that `value` (operand or result `what`) is a tensor<1xf32>.
static LogicalResult checkScalarF32(Operation *op, Value value,
                                    StringRef what) {
  if (isScalarF32(value.getType()))
    return success();
  return op->emitOpError() << what << " must be tensor<1xf32>, got "
                           << value.getType();
}

LogicalResult mlir::shodh::verifyPiGains(Operation *op, const PiGains &g) {
  std::pair<const char *, double> all[] = {{"setpoint", g.setpoint},
                                           {"kp", g.kp},
                                           {"ki", g.ki},
                                           {"lambda0", g.lambda0},
                                           {"lambda_min", g.lambdaMin},
                                           {"lambda_max", g.lambdaMax}};
  for (auto [name, value] : all)
    if (!std::isfinite(value))
      return op->emitOpError()
             << name << " must be finite, got " << formatNumber(value);
  for (auto [name, value] :
       {std::make_pair("kp", g.kp), std::make_pair("ki", g.ki)})
    if (value < 0.0)
      return op->emitOpError()
             << name << " must be >= 0, got " << formatNumber(value);
  if (g.lambdaMin > g.lambdaMax)
    return op->emitOpError("lambda_min (")
           << formatNumber(g.lambdaMin) << ") must be <= lambda_max ("
           << formatNumber(g.lambdaMax) << ")";
  if (g.lambda0 < g.lambdaMin || g.lambda0 > g.lambdaMax)
    return op->emitOpError("lambda0 (")
           << formatNumber(g.lambda0) << ") must lie in [lambda_min, "
           << "lambda_max] = [" << formatNumber(g.lambdaMin) << ", "
           << formatNumber(g.lambdaMax) << "]";
  return success();
}

/// The gains of a pi_controller or pi_update op.
template <typename OpT> static PiGains gainsOf(OpT op) {
  return {
      op.getSetpoint().convertToDouble(),  op.getKp().convertToDouble(),
      op.getKi().convertToDouble(),        op.getLambda0().convertToDouble(),
      op.getLambdaMin().convertToDouble(), op.getLambdaMax().convertToDouble()};
}

/// The kernel attributes of a pi_update: the gains, as f64.
static SmallVector<NamedAttribute> piKernelAttrs(PiUpdateOp op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("setpoint", op.getSetpointAttr()),
          b.getNamedAttr("kp", op.getKpAttr()),
          b.getNamedAttr("ki", op.getKiAttr()),
          b.getNamedAttr("lambda0", op.getLambda0Attr()),
          b.getNamedAttr("lambda_min", op.getLambdaMinAttr()),
          b.getNamedAttr("lambda_max", op.getLambdaMaxAttr())};
}

//===----------------------------------------------------------------------===//
// AuxLossOp, AuxLossGradOp
//===----------------------------------------------------------------------===//

LogicalResult AuxLossOp::verify() {
  Operation *op = *this;
  if (failed(checkScalarF32(op, getValue(), "value")) ||
      (getWeight() && failed(checkScalarF32(op, getWeight(), "weight"))))
    return failure();
  double c = getCoefficient().convertToDouble();
  if (!std::isfinite(c))
    return emitOpError("coefficient must be finite, got ") << formatNumber(c);
  if (getNameAttr() && getNameAttr().getValue().empty())
    return emitOpError("name must not be empty");
  return success();
}

LogicalResult AuxLossGradOp::inferReturnTypes(MLIRContext *context,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  Value weight = adaptor.getWeight();
  if (weight && !isScalarF32(weight.getType()))
    return opError<AuxLossGradOp>(loc, "weight must be tensor<1xf32>, got ",
                                  weight.getType());
  inferred.push_back(RankedTensorType::get({1}, Float32Type::get(context)));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(AuxLossGradOp)

StringRef AuxLossGradOp::getKernelName() { return "aux_loss_grad"; }

SmallVector<NamedAttribute> AuxLossGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("coefficient", getCoefficientAttr())};
}

//===----------------------------------------------------------------------===//
// PiControllerOp, PiUpdateOp
//===----------------------------------------------------------------------===//

LogicalResult PiControllerOp::verify() {
  Operation *op = *this;
  if (failed(checkScalarF32(op, getMeasured(), "measured")) ||
      failed(checkScalarF32(op, getResult(), "result")))
    return failure();
  return verifyPiGains(op, gainsOf(*this));
}

LogicalResult PiUpdateOp::verify() {
  Operation *op = *this;
  if (failed(checkScalarF32(op, getMeasured(), "measured")) ||
      failed(checkScalarF32(op, getResult(), "result")))
    return failure();
  return verifyPiGains(op, gainsOf(*this));
}

/// Checks that `ref` names a shodh.state of type tensor<1x`element`>.
static LogicalResult checkPiState(Operation *op,
                                  SymbolTableCollection &symbolTable,
                                  FlatSymbolRefAttr ref, StringRef what,
                                  Type element) {
  Operation *symbol = symbolTable.lookupNearestSymbolFrom(op, ref);
  auto state = dyn_cast_or_null<StateOp>(symbol);
  if (!state)
    return op->emitOpError()
           << what << " " << ref << " must name a shodh.state";
  auto want = RankedTensorType::get({1}, element);
  if (state.getTensorType() != want)
    return op->emitOpError() << what << " " << ref << " must be " << want
                             << ", got " << state.getTensorType();
  return success();
}

LogicalResult PiUpdateOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Builder b(getContext());
  if (failed(checkPiState(*this, symbolTable, getLambdaAttr(), "lambda",
                          b.getF32Type())))
    return failure();
  return checkPiState(*this, symbolTable, getIntegralAttr(), "integral",
                      b.getF64Type());
}

StringRef PiUpdateOp::getKernelName() { return "pi_update"; }

SmallVector<NamedAttribute> PiUpdateOp::getKernelAttrs() {
  return piKernelAttrs(*this);
}

SmallVector<Value> PiUpdateOp::getKernelInputs(OpBuilder &builder) {
  Location loc = getLoc();
  auto lambda = builder.create<ReadOp>(
      loc, RankedTensorType::get({1}, builder.getF32Type()), getLambdaAttr());
  auto integral = builder.create<ReadOp>(
      loc, RankedTensorType::get({1}, builder.getF64Type()), getIntegralAttr());
  return {lambda, integral, getMeasured()};
}

SmallVector<Attribute> PiUpdateOp::getKernelWrites() {
  return {getLambdaAttr(), getIntegralAttr()};
}
