package dev.convoy.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A white PNG with a title, for the benchmarks' charts: Java2D, no charting dependency. */
final class Canvas {

  private final BufferedImage image;
  final Graphics2D g;

  Canvas(int width, int height, String title, int titleX, int bodyFontSize) {
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, titleX, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, bodyFontSize));
  }

  void save(Path file) throws java.io.IOException {
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }
}
