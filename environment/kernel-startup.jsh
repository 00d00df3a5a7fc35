// Run by the PEERkit kernel at start (PEERKIT_KERNEL_STARTUP in kernel.json):
// charts show as images, tables as HTML tables, the doctor's report as a table.
org.peerkit.notebook.Renderers.install(renderer());
