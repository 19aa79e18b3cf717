"""Pure rules of 好差评 (no Django): the scale and channels, who may rate what, the bad-rating table, the figures."""
