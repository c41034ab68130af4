package dev.tapline.cli;

import dev.tapline.spec.TaplineException;

/** A pipeline is already running, here or on another machine: its run is skipped (exit code 3). */
final class PipelineBusyException extends TaplineException {

  static final int EXIT_CODE = 3;

  PipelineBusyException(String message) {
    super(message);
  }
}
