// An unknown optimizer in the training configuration.
module attributes {shodh.train = {optimizer = "sgd"}} {
}
