//===- Pipeline.cpp - The compile pipeline --------------------------------===//
//
// Implements the compile pipeline: inline calls and pick the entry
// function, bind hyperparameters, expand repeats, promote to f64 (with
// --precision f64), infer shapes, fuse spectral chains and MoE layers, build
// the training programs (when the model has `shodh.train` or training is
// forced), canonicalize and CSE, fold additions into GEMMs, share spectra
// between forward and backward, lower to kernel calls, annotate lifetimes.
//
//===----------------------------------------------------------------------===//
#include "frontend/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::shodh::buildCompilePipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  ShodhSelectEntryOptions select;
  select.entry = options.entry;
  select.requireEntry = true;
  pm.addPass(createShodhSelectEntry(select));
  ShodhBindHyperparamsOptions bind;
  bind.set = options.overrides;
  bind.batch = options.batch;
  pm.addPass(createShodhBindHyperparams(bind));
  pm.addPass(createShodhExpandRepeats());
  if (options.f64)
    pm.addPass(createShodhPromoteF64());
  pm.addPass(createShodhInferShapes());
  if (options.fuseSpectral) { // --no-fuse turns every fusion off
    pm.addPass(createShodhFuseSpectral());
    pm.addPass(createShodhFuseExperts());
    pm.addPass(createShodhFuseChannelMlp());
  }
  ShodhBuildTrainingOptions training;
  training.force = options.train;
  pm.addPass(createShodhBuildTraining(training));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.fuseSpectral) { // --no-fuse turns every fusion off
    pm.addPass(createShodhFuseElementwise());
    pm.addPass(createShodhShareSpectra());
    pm.addPass(createShodhFuseLayerActivation());
  }
  pm.addPass(createShodhLowerToKernels());
  pm.addPass(createShodhLifetimes());
}
