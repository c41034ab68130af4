package dev.tapline.tap;

/**
 * A stream the sync is about to read, as {@link Tap#beforeSync} sees it: the stream and the
 * context its records will be read with (catalog entry, replication method and key, selected
 * properties, input state).
 *
 * @param stream the tap's stream
 * @param context the context {@link TapStream#records} will receive
 */
public record SelectedStream(TapStream stream, StreamContext context) {}
