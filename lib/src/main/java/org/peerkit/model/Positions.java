package org.peerkit.model;

/** How the model knows token order: a learned table added to the input, or rotary q/k rotations. */
public enum Positions { LEARNED, ROTARY }
