package dev.convoy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The benchmarks' charts, drawn with JFreeChart: panels of lines sharing one x axis. */
final class Charts {

  /** One panel: a y axis and its lines, each a list of (x, y) points. */
  record Panel(String yLabel, Map<String, List<double[]>> lines) {}

  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
      new Color(0x9467bd)};

  private Charts() {}

  static void panels(String title, String xLabel, List<Panel> panels, Path file, int width, int height) throws IOException {
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(xLabel));
    plot.setGap(12);
    for (Panel p : panels) {
      XYSeriesCollection data = new XYSeriesCollection();
      p.lines().forEach((name, points) -> {
        XYSeries series = new XYSeries(name);
        points.forEach(xy -> series.add(xy[0], xy[1]));
        data.addSeries(series);
      });
      XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
      for (int i = 0; i < data.getSeriesCount(); i++) {
        lines.setSeriesPaint(i, COLORS[i % COLORS.length]);
        lines.setSeriesStroke(i, new BasicStroke(2.2f));
      }
      NumberAxis y = new NumberAxis(p.yLabel());
      y.setAutoRangeIncludesZero(true);
      XYPlot panel = new XYPlot(data, null, y, lines);
      panel.setBackgroundPaint(Color.WHITE);
      panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
      panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
      plot.add(panel);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
  }
}
