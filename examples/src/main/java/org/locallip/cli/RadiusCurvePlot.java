/*
 * Copyright 2026 The tribuo-locallip authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.locallip.cli;

import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Draws the certified-accuracy-versus-radius curve of an evaluation as a PNG (headless AWT). */
final class RadiusCurvePlot {

    private RadiusCurvePlot() {}

    static void write(CertifiedEvaluation eval, Path file, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 640;
        int h = 420;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 55;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        List<double[]> curve = eval.radiusCurve();
        double maxR = curve.isEmpty() ? 1 : Math.max(1e-9, curve.get(curve.size() - 1)[0]);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setColor(new Color(230, 230, 230));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k <= 5; k++) {
            int y = top + ph - ph * k / 5;
            g.drawLine(left, y, left + pw, y);
            int x = left + pw * k / 5;
            g.drawLine(x, top, x, top + ph);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, pw, ph);
        for (int k = 0; k <= 5; k++) {
            g.drawString(String.format(Locale.ROOT, "%.1f", k / 5.0), left - 30, top + ph - ph * k / 5 + 4);
            g.drawString(String.format(Locale.ROOT, "%.2f", maxR * k / 5), left + pw * k / 5 - 12, top + ph + 18);
        }
        g.drawString("certified L2 radius", left + pw / 2 - 50, h - 12);
        g.rotate(-Math.PI / 2);
        g.drawString("certified accuracy", -(top + ph / 2 + 50), 18);
        g.rotate(Math.PI / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + String.format(Locale.ROOT, " (n=%d, clean %.3f)", eval.n(), eval.cleanAccuracy()),
                left, 24);
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(2.2f));
        for (int i = 1; i < curve.size(); i++) {
            double[] a = curve.get(i - 1);
            double[] b = curve.get(i);
            g.drawLine(left + (int) (pw * a[0] / maxR), top + ph - (int) (ph * a[1]),
                    left + (int) (pw * b[0] / maxR), top + ph - (int) (ph * b[1]));
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }
}
