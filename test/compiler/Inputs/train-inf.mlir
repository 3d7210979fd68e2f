// A non-finite float in the training configuration (0x7FF0000000000000 = +inf).
module attributes {shodh.train = {schedule = "step", gamma = 0x7FF0000000000000 : f64}} {
}
