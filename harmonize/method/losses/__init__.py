"""The loss terms of both passes, each a pure function of features, plus the node that injects them."""
