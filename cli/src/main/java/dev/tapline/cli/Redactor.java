package dev.tapline.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values (those a project file took from environment variables) with {@code ***}
 * in any text about to be printed, stored in the run history or sent in a notification.
 * Immutable; safe to share between threads.
 */
final class Redactor {

  static final Redactor NONE = new Redactor(Set.of());

  /** Shorter values are too likely to occur by chance to be told apart from ordinary text. */
  private static final int SHORTEST_SECRET = 3;

  private final List<String> secrets;

  Redactor(Set<String> secrets) {
    // longest first, so a secret that contains another is replaced whole
    this.secrets = secrets.stream()
        .filter(secret -> secret != null && secret.length() >= SHORTEST_SECRET)
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
  }

  Redactor with(Set<String> more) {
    java.util.Set<String> all = new java.util.HashSet<>(secrets);
    all.addAll(more);
    return new Redactor(all);
  }

  String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) {
        result = result.replace(secret, "***");
      }
    }
    return result;
  }

  boolean isEmpty() {
    return secrets.isEmpty();
  }
}
