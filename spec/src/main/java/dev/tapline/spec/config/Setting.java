package dev.tapline.spec.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one setting: a component of a settings record. Components without this annotation are
 * required settings named after the component in {@code snake_case}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Setting {

  /** The key in the JSON config; default: the component name in {@code snake_case}. */
  String name() default "";

  /** What the setting is for, shown by {@code --about}. */
  String description() default "";

  /** Whether the config must give a value. Ignored when {@link #defaultValue()} is set. */
  boolean required() default true;

  /** A secret is never logged, shown by {@code --about}, or written in an error message. */
  boolean secret() default false;

  /**
   * The value used when the config gives none, as JSON text ({@code "100000"}, {@code "true"},
   * {@code "\"append-only\""}, or a bare string such as {@code append-only}).
   */
  String defaultValue() default "";

  /** Other keys accepted for this setting, e.g. an older name. */
  String[] aliases() default {};
}
