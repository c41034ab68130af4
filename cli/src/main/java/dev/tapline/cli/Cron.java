package dev.tapline.cli;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a schedule written as a standard five-field cron expression (minute, hour, day of month,
 * month, day of week), or one of the macros cron, Kubernetes and Airflow all understand ({@code
 * @hourly}, {@code @daily}, ...). Tapline does not fire schedules itself: they are exported to
 * cron, Kubernetes or Airflow, so only what all three accept passes.
 */
final class Cron {

  private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly");
  private static final String[] FIELDS = {"minute", "hour", "day of month", "month", "day of week"};
  private static final int[] MINIMUM = {0, 0, 1, 1, 0};
  private static final int[] MAXIMUM = {59, 23, 31, 12, 7};
  private static final Pattern PART = Pattern.compile("(\\*|(\\w+)(?:-(\\w+))?)(?:/(\\d+))?");
  private static final String MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec";
  private static final String DAYS = "sun mon tue wed thu fri sat";

  private Cron() {}

  /** What is wrong with {@code expression}, or {@code null} when it is a valid schedule. */
  static String problem(String expression) {
    String trimmed = expression.strip();
    if (trimmed.startsWith("@")) {
      return MACROS.contains(trimmed.toLowerCase(Locale.ROOT)) ? null
          : "\"" + trimmed + "\" is not one of " + String.join(", ", MACROS.stream().sorted().toList());
    }
    String[] fields = trimmed.split("\\s+");
    if (fields.length != 5) {
      return "\"" + expression + "\" has " + fields.length + " fields; a cron schedule has 5"
          + " (minute hour day-of-month month day-of-week), e.g. \"*/15 * * * *\"";
    }
    for (int index = 0; index < 5; index++) {
      for (String part : fields[index].split(",", -1)) {
        String problem = partProblem(part, index);
        if (problem != null) {
          return "\"" + expression + "\": " + FIELDS[index] + " " + problem;
        }
      }
    }
    return null;
  }

  private static String partProblem(String part, int field) {
    Matcher matcher = PART.matcher(part);
    if (!matcher.matches()) {
      return "\"" + part + "\" is not *, a number, a range a-b or a step x/n";
    }
    if (matcher.group(4) != null && Integer.parseInt(matcher.group(4)) == 0) {
      return "\"" + part + "\" has a step of 0";
    }
    for (int group = 2; group <= 3; group++) {
      String value = matcher.group(group);
      if (value == null) {
        continue;
      }
      int number = value(value, field);
      if (number < MINIMUM[field] || number > MAXIMUM[field]) {
        return "\"" + value + "\" is not from " + MINIMUM[field] + " to " + MAXIMUM[field];
      }
    }
    return null;
  }

  private static int value(String text, int field) {
    if (text.chars().allMatch(Character::isDigit)) {
      return text.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(text);
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.length() == 3 && field == 3 && MONTHS.contains(lower)) {
      return MONTHS.indexOf(lower) / 4 + 1;
    }
    if (lower.length() == 3 && field == 4 && DAYS.contains(lower)) {
      return DAYS.indexOf(lower) / 4;
    }
    return -1;
  }
}
