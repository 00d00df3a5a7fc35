/** The {@code peerkit} command line (picocli): {@link org.peerkit.cli.PeerkitCli} and its subcommands. */
package org.peerkit.cli;
