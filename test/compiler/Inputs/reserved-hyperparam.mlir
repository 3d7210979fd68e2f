// A hyperparameter name in the prefix reserved for shodh.train.
module attributes {shodh.hyperparams = {width = 4 : i64, train.lr = 1.0e-3 : f64}} {
}
