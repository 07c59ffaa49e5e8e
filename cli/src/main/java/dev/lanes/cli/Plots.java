package dev.lanes.cli;

import dev.lanes.dsl.EpochMetrics;
import dev.lanes.dsl.Evaluation;
import dev.lanes.dsl.History;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts: learning curves after training, a confusion heat map after evaluation. */
final class Plots {
  private static final int CURVE_WIDTH = 640;
  private static final int CURVE_HEIGHT = 440;
  private static final Color TRAINING = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);

  private Plots() {}

  /**
   * Two charts side by side: loss and accuracy per epoch, training and (when there was
   * validation data) validation, under a title saying what was trained.
   */
  static void learningCurves(History history, String title, Path file) throws IOException {
    List<EpochMetrics> epochs = history.epochs();
    double[] x = new double[epochs.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = epochs.get(i).epoch();
    }
    boolean validation = epochs.stream().anyMatch(m -> !Double.isNaN(m.validationLoss()));
    XYChart loss = curves("Loss", "cross-entropy", x, epochs, validation, true);
    XYChart accuracy = curves("Accuracy", "accuracy", x, epochs, validation, false);
    int titleHeight = 40;
    BufferedImage image = new BufferedImage(2 * CURVE_WIDTH, CURVE_HEIGHT + titleHeight,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    int w = g.getFontMetrics().stringWidth(title);
    g.drawString(title, (image.getWidth() - w) / 2, 26);
    paint(loss, g, 0, titleHeight, CURVE_WIDTH, CURVE_HEIGHT);
    paint(accuracy, g, CURVE_WIDTH, titleHeight, CURVE_WIDTH, CURVE_HEIGHT);
    g.dispose();
    writePng(image, file);
  }

  private static XYChart curves(String title, String yTitle, double[] x,
      List<EpochMetrics> epochs, boolean validation, boolean loss) {
    XYChart chart = new XYChartBuilder().width(CURVE_WIDTH).height(CURVE_HEIGHT).title(title)
        .xAxisTitle("epoch").yAxisTitle(yTitle).build();
    Styler style = chart.getStyler();
    style.setChartBackgroundColor(Color.WHITE);
    style.setLegendPosition(loss ? Styler.LegendPosition.InsideNE
        : Styler.LegendPosition.InsideSE);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setYAxisDecimalPattern(loss ? "0.00" : "0.000");
    chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    chart.getStyler().setMarkerSize(6);
    if (x.length > 20) {
      chart.getStyler().setXAxisTickMarkSpacingHint(80);
    }
    XYSeries train = chart.addSeries("training", x, values(epochs, loss ? "loss" : "accuracy"));
    train.setLineColor(TRAINING);
    train.setMarkerColor(TRAINING);
    train.setMarker(SeriesMarkers.CIRCLE);
    if (validation) {
      XYSeries val = chart.addSeries("validation", x,
          values(epochs, loss ? "val_loss" : "val_accuracy"));
      val.setLineColor(VALIDATION);
      val.setMarkerColor(VALIDATION);
      val.setMarker(SeriesMarkers.DIAMOND);
    }
    return chart;
  }

  private static double[] values(List<EpochMetrics> epochs, String quantity) {
    return epochs.stream().mapToDouble(m -> m.get(quantity)).toArray();
  }

  /**
   * The confusion matrix as a heat map: true class down, predicted class across, each cell
   * showing its count, the colour scaled to the largest count.
   */
  static void confusion(Evaluation evaluation, List<String> classNames, String title,
      Path file) throws IOException {
    int k = evaluation.classes();
    int[][] counts = evaluation.confusion();
    List<String> predicted = new ArrayList<>(classNames.subList(0, k));
    // the heat map draws its first y category at the bottom: reverse so class 0 is on top
    List<String> actual = new ArrayList<>(predicted.reversed());
    List<Number[]> cells = new ArrayList<>();
    int max = 1;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        cells.add(new Number[] {p, k - 1 - t, counts[t][p]});
        max = Math.max(max, counts[t][p]);
      }
    }
    int size = Math.max(560, 60 * k + 200);
    HeatMapChart chart = new HeatMapChartBuilder().width(size + 120).height(size).title(title)
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setShowValue(true);
    chart.getStyler().setHeatMapValueDecimalPattern("#,##0");
    chart.getStyler().setMin(0);
    chart.getStyler().setMax(max);
    chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255),
        new Color(107, 174, 214), new Color(8, 48, 107)});
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisLabelRotation(classNames.stream().anyMatch(n -> n.length() > 2)
        ? 45 : 0);
    chart.addSeries("count", predicted, actual, cells);
    BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight(),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    paint(chart, g, 0, 0, chart.getWidth(), chart.getHeight());
    g.dispose();
    writePng(image, file);
  }

  private static void paint(Chart<?, ?> chart, Graphics2D g, int x, int y, int w, int h) {
    Graphics2D sub = (Graphics2D) g.create(x, y, w, h);
    try {
      chart.paint(sub, w, h);
    } finally {
      sub.dispose();
    }
  }

  private static void writePng(BufferedImage image, Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", bytes)) {
      throw new IOException(file + ": this JDK has no PNG writer");
    }
    SafeFiles.write(file, bytes.toByteArray());
  }
}
