package dev.tapline.examples.stripe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;

/** The example custom tap passes the contract suite every SDK tap must pass. */
class ChargesTapContractTest extends TapContractTest {

  private static final String KEY = "sk_test_example_51Hx";
  private static final long FIRST = Instant.now().minus(20, ChronoUnit.DAYS).getEpochSecond();
  private static final StripeSandbox SANDBOX = new StripeSandbox(0,
      new FakeStripe().requireKey(KEY).cloneExamples(5, FIRST, 86_400));

  @AfterAll
  static void stop() {
    SANDBOX.close();
  }

  @Override
  protected Tap<?> newTap() {
    return new ChargesTap();
  }

  @Override
  protected ObjectNode config(Path directory) {
    ObjectNode config = Json.object();
    config.put("api_url", SANDBOX.url());
    config.put("api_key", KEY);
    config.put("start_date", Instant.ofEpochSecond(FIRST).minus(1, ChronoUnit.DAYS).toString());
    return config;
  }
}
