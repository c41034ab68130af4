package dev.tapline.tap.csv;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns CSV headers into property names: accents are removed, letters lower-cased, every run of
 * characters other than {@code a-z}, {@code 0-9} and {@code _} becomes one {@code _}, leading and
 * trailing {@code _} are trimmed, a name starting with a digit gets a leading {@code _}, an empty
 * name becomes {@code column_<n>} (1-based position), and a name already taken gets {@code _2},
 * {@code _3}, ... So {@code Cost Total $} is {@code cost_total}.
 */
final class ColumnNames {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern OTHERS = Pattern.compile("[^a-z0-9_]+");

  private ColumnNames() {}

  /** The property name of one header, before duplicates are resolved. */
  static String sanitize(String header, int position) {
    String name = MARKS.matcher(Normalizer.normalize(header, Normalizer.Form.NFD)).replaceAll("");
    name = OTHERS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("_");
    int start = 0;
    int end = name.length();
    while (start < end && name.charAt(start) == '_') start++;
    while (end > start && name.charAt(end - 1) == '_') end--;
    name = name.substring(start, end);
    if (name.isEmpty()) {
      return "column_" + position;
    }
    if (Character.isDigit(name.charAt(0))) {
      return "_" + name;
    }
    return name;
  }

  /** The property names of a header row, unique, in the same order. */
  static List<String> of(List<String> headers) {
    List<String> names = new ArrayList<>(headers.size());
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < headers.size(); i++) {
      String base = sanitize(headers.get(i), i + 1);
      String name = base;
      for (int suffix = 2; !taken.add(name); suffix++) {
        name = base + "_" + suffix;
      }
      names.add(name);
    }
    return names;
  }
}
