/**
 * Out-of-distribution scores on a classifier's logits and features; every score is oriented so that
 * higher means more in-distribution.
 *
 * <ul>
 *   <li>{@link io.qvit.ood.ScoreKind}: the scores by command-line name and what each needs.
 *   <li>{@link io.qvit.ood.Scores}: fits a score on ID data ({@link io.qvit.ood.FitData}) with
 *       {@link io.qvit.ood.ScoreSettings}, or loads a saved one.
 *   <li>{@link io.qvit.ood.OodScore}: scores {@link io.qvit.ood.ModelOutputs} and saves its fit.
 * </ul>
 *
 * Formulas follow OpenOOD's postprocessors; each implementation's javadoc states where it differs.
 */
package io.qvit.ood;
