package dev.lanes.cli;

import dev.lanes.dsl.data.Dataset;
import java.util.List;

/**
 * A data set ready for a model: training and test parts with features scaled to about [0, 1].
 *
 * @param name what {@code --dataset} called it (digits, fashion-mnist, mnist, csv)
 * @param inputScale what the raw values were divided by (16 for digits, 255 for IDX images):
 *     prediction divides raw inputs by the same
 * @param classNames one name per class, for tables and predictions
 * @param source where the data came from, for messages and reports
 */
record LoadedData(String name, Dataset train, Dataset test, float inputScale,
    List<String> classNames, String source) {}
