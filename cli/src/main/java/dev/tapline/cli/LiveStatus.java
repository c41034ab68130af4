package dev.tapline.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * A block of live lines at the bottom of a terminal (one per running pipeline), redrawn in place
 * with ANSI escapes; every other line is printed above it. Used only when tapline runs on a
 * terminal. Safe to call from several threads.
 */
final class LiveStatus {

  private final PrintWriter terminal;
  private List<String> lines = List.of();

  LiveStatus(PrintWriter terminal) {
    this.terminal = terminal;
  }

  /** A writer that prints its lines above the live block. */
  PrintWriter writer() {
    return new PrintWriter(terminal) {
      @Override
      public void println(String line) {
        LiveStatus.this.println(line);
      }

      @Override
      public void println(Object line) {
        LiveStatus.this.println(String.valueOf(line));
      }
    };
  }

  synchronized void println(String line) {
    clear();
    terminal.print(line);
    terminal.print('\n');
    draw();
    terminal.flush();
  }

  /** Replaces the live block. */
  synchronized void update(List<String> newLines) {
    clear();
    lines = List.copyOf(newLines);
    draw();
    terminal.flush();
  }

  private void clear() {
    if (lines.isEmpty()) {
      return;
    }
    terminal.print('\r');
    if (lines.size() > 1) {
      terminal.print("\u001b[" + (lines.size() - 1) + "A");
    }
    terminal.print("\u001b[J");
  }

  private void draw() {
    terminal.print(String.join("\n", lines));
  }
}
