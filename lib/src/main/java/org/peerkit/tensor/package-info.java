/** Backend start-up, the doctor, buffer helpers and (later) the Kernels interface. */
package org.peerkit.tensor;
