/**
 * Experiments as durable, named things.
 *
 * <ul>
 *   <li>{@link org.peerkit.experiment.RunSpec}: everything that changes a result (backbone, FFW kind
 *       and placement, FLOP or token budget, schedule, optimiser, batch, data, seed, precision);
 *       canonical JSON and its SHA-256 ({@link org.peerkit.experiment.SpecJson}) name the run.</li>
 *   <li>{@link org.peerkit.experiment.RunStore}: {@code runs/<id>/} per spec; {@code run(spec)} loads
 *       a finished run, resumes a partial one bit for bit, or trains; an OS lock keeps two processes
 *       apart; a corrupt dir is reported, never reused.</li>
 *   <li>{@link org.peerkit.experiment.Sweep}: grids of specs run in order, failures recorded,
 *       re-runs train only what is missing; {@link org.peerkit.experiment.Results} tabulates runs.</li>
 * </ul>
 *
 * <pre>{@code
 * RunStore store = RunStore.open();                          // PEERKIT_RUNS or <project>/runs
 * RunResult r = store.run(RunSpec.defaults());               // instant the second time
 * SweepResult s = Sweep.grid("widths", RunSpec.defaults(), Map.of("model.dModel", List.of(32, 64))).run(store);
 * s.table()                                                  // a cell can end with it
 * }</pre>
 */
package org.peerkit.experiment;
