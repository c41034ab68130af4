package dev.tapline.tap.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

class RestTapContractTest extends TapContractTest {

  private static final FakeApis APIS = new FakeApis();

  @AfterAll
  static void stop() {
    APIS.close();
  }

  @Override
  protected Tap<?> newTap() {
    return new RestTap();
  }

  @Override
  protected ObjectNode config(Path directory) {
    return APIS.helpdeskConfig();
  }
}
