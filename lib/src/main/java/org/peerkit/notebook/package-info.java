/**
 * Notebook helpers: renderers that make XChart charts, Tablesaw tables and PEERkit reports show
 * as images and HTML tables in Jupyter, and the scale knob every notebook reads.
 *
 * <p>Only basekernel's display types ({@code DisplayData}, {@code Renderer}) are used, which both
 * the PEERkit kernel and a real IJava provide, so the same notebooks run under either.
 */
package org.peerkit.notebook;
