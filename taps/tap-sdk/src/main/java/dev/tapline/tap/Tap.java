package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Catalog;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.Timestamps;
import dev.tapline.spec.config.ConfigFiles;
import dev.tapline.spec.config.SettingsBinder;
import java.io.PrintStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Singer tap: the base class of every {@code tap-*} executable.
 *
 * <p>An author writes a settings record, the streams, and a {@code main}:
 *
 * <pre>{@code
 * public final class TicketsTap extends Tap<TicketsTap.Settings> {
 *   public record Settings(@Setting(description = "API token", secret = true) String token) {}
 *
 *   protected List<TapStream> streams(Settings settings) { return List.of(new Tickets(settings)); }
 *
 *   public static void main(String[] args) { Tap.main(new TicketsTap(), args); }
 * }
 * }</pre>
 *
 * <p>The SDK gives every tap the same command line ({@code --config}, {@code --state}, {@code
 * --catalog}, {@code --discover}, {@code --about}, {@code --version}, {@code --test}), binds and
 * checks the settings (every problem reported at once, exit code 2), masks secret values in
 * everything written to stderr, and runs the sync: SCHEMA, RECORDs, STATE with bookmarks, metrics.
 *
 * <p>A settings component named {@code start_date} (an {@code Instant}, {@code LocalDate} or text,
 * possibly {@code Optional}) is the starting value of incremental streams without a bookmark.
 *
 * @param <S> the settings record; its type is read from the subclass declaration
 */
public abstract class Tap<S extends Record> {

  /** Capabilities every SDK tap has, as listed by {@code --about}. */
  public static final List<String> CAPABILITIES =
      List.of("catalog", "discover", "state", "about", "test");

  private final Class<S> settingsType;

  /** Reads the settings type from the subclass's {@code extends Tap<Settings>}. */
  protected Tap() {
    this.settingsType = settingsTypeOf(getClass());
  }

  /** For a subclass that is itself generic: names the settings type outright. */
  protected Tap(Class<S> settingsType) {
    this.settingsType = settingsType;
  }

  /**
   * The executable's name, e.g. {@code tap-csv}: by default {@code tap-} and the class name
   * without its {@code Tap} suffix, in kebab case ({@code TicketsTap} is {@code tap-tickets}).
   */
  public String name() {
    String simple = getClass().getSimpleName();
    if (simple.endsWith("Tap") && simple.length() > 3) {
      simple = simple.substring(0, simple.length() - 3);
    }
    return "tap-" + SettingsBinder.snakeCase(simple).replace('_', '-');
  }

  /** The version from the jar manifest ({@code Implementation-Version}), or {@code dev}. */
  public String version() {
    String version = getClass().getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? "dev" : version;
  }

  /** One line saying what the tap reads; shown by {@code --about}. */
  public String description() {
    return "";
  }

  /** What the tap supports, as listed by {@code --about}. */
  public List<String> capabilities() {
    return CAPABILITIES;
  }

  /** The settings record type. */
  public final Class<S> settingsType() {
    return settingsType;
  }

  /**
   * The tap's streams, in the order they are synced. Called once per run on the main thread, after
   * the settings were bound and checked; may throw {@link ConfigurationException} for problems
   * only visible now (a missing file, a bad declared schema): the run stops with exit code 2.
   */
  protected abstract List<TapStream> streams(S settings);

  /**
   * Checks made once per sync before any message is written: called on the main thread with every
   * stream the catalog selects (all of them without {@code --catalog}), in sync order, after the
   * replication method and key of each were resolved and before the first SCHEMA. A tap checks
   * here what would otherwise fail half way (server settings, rights, table properties) and throws
   * {@link ConfigurationException} (exit code 2) or {@link dev.tapline.spec.TaplineException}
   * (exit code 1); nothing reaches stdout then. Also called under {@code --test}; not called by
   * {@code --discover}. The default does nothing.
   *
   * @param settings the bound settings
   * @param selected the selected streams with their contexts; never null, possibly empty
   */
  protected void beforeSync(S settings, List<SelectedStream> selected) {}

  /** Runs the tap as a process: {@code System.exit(tap.execute(args))}. */
  public static void main(Tap<?> tap, String[] args) {
    if (args.length == 1 && args[0].equals("--version")) {
      // The answer cron jobs and CI ask most: given without building the command line.
      System.out.println(tap.name() + " " + tap.version());
      System.exit(0);
    }
    System.exit(tap.execute(args));
  }

  /** Runs the command line against the real stdout, stderr and environment; returns the exit code. */
  public final int execute(String... args) {
    return execute(Invocation.system(), args);
  }

  /**
   * Runs the command line; returns the exit code: 0 ok, 1 failure, 2 usage or bad config. Never
   * calls {@code System.exit}. Log lines of the whole process go to the invocation's stderr while
   * this runs.
   */
  public final int execute(Invocation invocation, String... args) {
    RedactingOutputStream redacting = new RedactingOutputStream(invocation.stderr());
    PrintStream errors = new PrintStream(redacting, true, StandardCharsets.UTF_8);
    Log.redirect(errors);
    try {
      return new TapCommand(this, invocation, errors, redacting).run(args);
    } finally {
      errors.flush();
      Log.redirect(System.err);
    }
  }

  // ---- used by TapCommand

  String environmentPrefix() {
    return name().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  SettingsBinder<S> binder() {
    return SettingsBinder.of(settingsType);
  }

  ObjectNode readConfig(List<String> sources, Map<String, String> environment) {
    SettingsBinder<SyncSettings> syncBinder = SettingsBinder.of(SyncSettings.class);
    ObjectNode merged = Json.object();
    for (String source : sources) {
      if (ConfigFiles.ENVIRONMENT.equals(source)) {
        merged.setAll(syncBinder.fromEnvironment(environmentPrefix(), environment));
        merged.setAll(binder().fromEnvironment(environmentPrefix(), environment));
      } else {
        merged.setAll(ConfigFiles.merge(List.of(source), binder(), environmentPrefix(), environment));
      }
    }
    return merged;
  }

  /** Binds both settings records from one config, every problem of both reported together. */
  Bound<S> bind(ObjectNode config) {
    SettingsBinder<SyncSettings> syncBinder = SettingsBinder.of(SyncSettings.class);
    SettingsBinder<S> binder = binder();
    List<String> problems = new ArrayList<>();
    S settings = null;
    SyncSettings sync = null;
    try {
      settings = binder.bind(config, syncBinder.keys());
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    try {
      sync = syncBinder.bind(config, binder.keys());
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("The config has " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    return new Bound<>(settings, sync);
  }

  record Bound<S>(S settings, SyncSettings sync) {}

  List<TapStream> streamsOf(S settings) {
    List<TapStream> streams = List.copyOf(streams(settings));
    Set<String> names = new HashSet<>();
    for (TapStream stream : streams) {
      if (!names.add(stream.spec().name())) {
        throw new ConfigurationException("Two streams are named '" + stream.spec().name()
            + "'; stream names must be unique.");
      }
    }
    return streams;
  }

  /** The {@code start_date} setting as a JSON value, or null. */
  JsonNode startDate(S settings) {
    List<SettingsBinder.SettingInfo> infos = binder().settings();
    RecordComponent[] components = settingsType.getRecordComponents();
    for (int i = 0; i < infos.size(); i++) {
      if (!infos.get(i).name().equals("start_date")) {
        continue;
      }
      Object value;
      try {
        components[i].getAccessor().setAccessible(true);
        value = components[i].getAccessor().invoke(settings);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot read start_date of " + settingsType.getName(), e);
      }
      if (value instanceof Optional<?> optional) {
        value = optional.orElse(null);
      }
      if (value == null) {
        return null;
      }
      if (value instanceof Instant instant) {
        return Json.NODES.textNode(Timestamps.format(instant));
      }
      if (value instanceof LocalDate date) {
        return Json.NODES.textNode(date.toString());
      }
      if (value instanceof OffsetDateTime time) {
        return Json.NODES.textNode(Timestamps.format(time));
      }
      if (value instanceof JsonNode node) {
        return node;
      }
      return Json.NODES.textNode(value.toString());
    }
    return null;
  }

  /** The {@code --about} description as JSON: name, version, capabilities, settings schema. */
  ObjectNode about() {
    ObjectNode about = Json.object();
    about.put("name", name());
    about.put("version", version());
    about.put("description", description());
    ArrayNode capabilities = about.putArray("capabilities");
    capabilities().forEach(capabilities::add);
    ObjectNode settings = binder().jsonSchema();
    ObjectNode syncSchema = SettingsBinder.of(SyncSettings.class).jsonSchema();
    ((ObjectNode) settings.get("properties")).setAll((ObjectNode) syncSchema.get("properties"));
    about.set("settings", settings);
    return about;
  }

  @SuppressWarnings("unchecked")
  private static <S extends Record> Class<S> settingsTypeOf(Class<?> type) {
    Class<?> current = type;
    while (current != null && current != Tap.class) {
      Type parent = current.getGenericSuperclass();
      if (parent instanceof ParameterizedType parameterized
          && parameterized.getRawType() == Tap.class
          && parameterized.getActualTypeArguments()[0] instanceof Class<?> settings
          && settings.isRecord()) {
        return (Class<S>) settings;
      }
      current = current.getSuperclass();
    }
    throw new IllegalStateException(type.getName() + " must extend Tap<SettingsRecord> with a"
        + " concrete record type, or call the Tap(Class) constructor.");
  }
}
