package org.sparkbackprop.training;

import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;

/** Scores of a data set at given parameters, computed wherever the data lives. */
public interface ScoreSource {
    Scores score(Parameters parameters);
}
