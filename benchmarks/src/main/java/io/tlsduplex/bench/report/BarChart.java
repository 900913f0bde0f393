package io.tlsduplex.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A horizontal grouped bar chart with error whiskers, drawn with java.awt (headless) so the
 * report needs nothing beyond the JDK. One group per configuration, one bar per stack.
 */
final class BarChart {
    record Bar(String label, double value, double error, Color color) { }

    record Group(String title, List<Bar> bars) { }

    private static final int WIDTH = 1100;
    private static final int BAR = 22;
    private static final int GAP = 6;
    private static final int LABEL_W = 300;
    private static final int RIGHT_PAD = 110;

    private final String title;
    private final String subtitle;
    private final String unit;
    private final List<Group> groups = new ArrayList<>();

    BarChart(String title, String subtitle, String unit) {
        this.title = title;
        this.subtitle = subtitle;
        this.unit = unit;
    }

    BarChart group(Group g) {
        if (!g.bars().isEmpty()) {
            groups.add(g);
        }
        return this;
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    void write(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int bars = groups.stream().mapToInt(g -> g.bars().size()).sum();
        int height = 110 + groups.size() * 42 + bars * (BAR + GAP) + 50;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);

        double max = 0;
        for (Group gr : groups) {
            for (Bar b : gr.bars()) {
                // the scale follows the scores; a whisker wider than the plot is clipped at its edge
                max = Math.max(max, b.value() * 1.1);
            }
        }
        max = niceCeiling(max);
        int plotX = LABEL_W;
        int plotW = WIDTH - LABEL_W - RIGHT_PAD;

        g.setColor(new Color(0x20, 0x20, 0x20));
        g.setFont(new Font("DejaVu Sans", Font.BOLD, 20));
        g.drawString(title, 20, 34);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 14));
        g.setColor(new Color(0x55, 0x55, 0x55));
        g.drawString(subtitle, 20, 58);

        int y = 90;
        int top = y;
        // grid lines and axis labels
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int bottom = height - 50;
        for (int t = 0; t <= 5; t++) {
            double v = max * t / 5;
            int x = plotX + (int) Math.round(plotW * v / max);
            g.setColor(new Color(0xE4, 0xE4, 0xE4));
            g.drawLine(x, top, x, bottom);
            g.setColor(new Color(0x66, 0x66, 0x66));
            String s = t == 0 ? "0" : Results.format(v);
            g.drawString(s, x - fm.stringWidth(s) / 2, bottom + 18);
        }
        String u = unit;
        g.drawString(u, plotX + plotW - fm.stringWidth(u), bottom + 36);

        for (Group gr : groups) {
            g.setFont(new Font("DejaVu Sans", Font.BOLD, 15));
            g.setColor(new Color(0x20, 0x20, 0x20));
            g.drawString(gr.title(), 20, y + 22);
            y += 34;
            for (Bar b : gr.bars()) {
                g.setFont(new Font("DejaVu Sans", Font.PLAIN, 14));
                FontMetrics lm = g.getFontMetrics();
                g.setColor(new Color(0x30, 0x30, 0x30));
                g.drawString(b.label(), plotX - 12 - lm.stringWidth(b.label()), y + BAR - 6);
                int w = (int) Math.round(plotW * b.value() / max);
                g.setColor(b.color());
                g.fillRect(plotX, y, Math.max(w, 1), BAR);
                int end = plotX + w;
                if (!Double.isNaN(b.error()) && b.error() > 0) {
                    int lo = plotX + (int) Math.round(plotW * Math.max(0, b.value() - b.error()) / max);
                    int hi = plotX + (int) Math.round(plotW * Math.min(max, b.value() + b.error()) / max);
                    boolean clipped = b.value() + b.error() > max;
                    g.setColor(new Color(0x22, 0x22, 0x22));
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(lo, y + BAR / 2, hi, y + BAR / 2);
                    g.drawLine(lo, y + 5, lo, y + BAR - 5);
                    if (clipped) {
                        g.drawLine(hi - 6, y + 5, hi, y + BAR / 2);
                        g.drawLine(hi - 6, y + BAR - 5, hi, y + BAR / 2);
                    } else {
                        g.drawLine(hi, y + 5, hi, y + BAR - 5);
                    }
                    end = Math.max(end, clipped ? end : hi);
                }
                g.setFont(new Font("DejaVu Sans", Font.BOLD, 13));
                String value = Results.format(b.value());
                int vw = g.getFontMetrics().stringWidth(value);
                int vx = Math.min(end + 8, WIDTH - vw - 6);
                g.setColor(Color.WHITE); // keeps the number readable over a clipped whisker
                g.fillRect(vx - 3, y + 3, vw + 6, BAR - 6);
                g.setColor(new Color(0x20, 0x20, 0x20));
                g.drawString(value, vx, y + BAR - 6);
                y += BAR + GAP;
            }
            y += 8;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
