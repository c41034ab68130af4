package dev.tapline.tap.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

class StripeTapContractTest extends TapContractTest {

  private static final StripeServer SERVER = new StripeServer();

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Override
  protected Tap<?> newTap() {
    return new StripeTap();
  }

  @Override
  protected ObjectNode config(Path directory) {
    return SERVER.config();
  }

  /** The bookmark is the window end, the sync's start: a later run moves it forward. */
  @Override
  protected boolean bookmarksFollowTheClock() {
    return true;
  }
}
