package org.schedmsg.sender.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.testing.TestRequests;

/** One test per outcome rule; the module README names them. */
class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(5);

  @Test
  void shouldMarkSentWhenDelivered() {
    assertThat(policy.decide(new SendResult.Delivered("42"), 1)).isEqualTo(Decision.markSent("42"));
  }

  @Test
  void shouldMarkFailedWithReasonWhenPermanent() {
    assertThat(policy.decide(new SendResult.Permanent("telegram:400:chat_not_found"), 1))
        .isEqualTo(Decision.markFailed("telegram:400:chat_not_found"));
  }

  @Test
  void shouldKeepPendingWithReasonWhenRetryableBelowMaxAttempts() {
    Duration wait = Duration.ofSeconds(7);
    assertThat(policy.decide(new SendResult.Retryable("telegram:429", wait), 4))
        .isEqualTo(Decision.keepPending("telegram:429", wait));
  }

  @Test
  void shouldFailWithMaxAttemptsExceededWhenRetryableOnLastAttempt() {
    assertThat(policy.decide(new SendResult.Retryable("timeout"), 5))
        .isEqualTo(Decision.markFailed("max_attempts_exceeded:timeout"));
    assertThat(policy.decide(new SendResult.Retryable("timeout"), 6))
        .isEqualTo(Decision.markFailed("max_attempts_exceeded:timeout"));
  }

  @Test
  void shouldExpireWhenPastDeliveryWindow() {
    DeliveryRequest request = TestRequests.request(Platform.TELEGRAM, "1", "hi");

    assertThat(policy.isExpired(request, request.deliveryDeadline())).isFalse();
    assertThat(policy.isExpired(request, request.deliveryDeadline().plusMillis(1))).isTrue();
  }

  @Test
  void shouldNeverExpireWhenNoDeliveryWindow() {
    DeliveryRequest request =
        TestRequests.withDeadline(TestRequests.request(Platform.TELEGRAM, "1", "hi"), null);

    assertThat(policy.isExpired(request, request.scheduledTime().plus(Duration.ofDays(30))))
        .isFalse();
  }

  @Test
  void shouldRejectMaxAttemptsWhenBelowOne() {
    assertThatThrownBy(() -> new RetryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepPendingWhenAmbiguousAndPolicyIsRetry() {
    assertThat(policy.decide(new SendResult.Ambiguous("timeout"), 1))
        .isEqualTo(Decision.keepPending("timeout", null));
  }

  @Test
  void shouldFailAsOutcomeUnknownWhenAmbiguousAndPolicyIsFail() {
    RetryPolicy failing = new RetryPolicy(5, AmbiguousOutcomePolicy.FAIL);

    assertThat(failing.decide(new SendResult.Ambiguous("telegram:500"), 1))
        .isEqualTo(Decision.markFailed("outcome_unknown:telegram:500"));
  }

  @Test
  void shouldFollowMessageMetadataWhenAmbiguousPolicyIsOverridden() {
    DeliveryRequest failIfUnknown = withMetadata("{\"on_ambiguous_outcome\":\"fail\"}");
    DeliveryRequest retryIfUnknown = withMetadata("{\"on_ambiguous_outcome\":\"retry\"}");
    RetryPolicy failing = new RetryPolicy(5, AmbiguousOutcomePolicy.FAIL);

    assertThat(policy.decide(new SendResult.Ambiguous("timeout"), 1, failIfUnknown))
        .isEqualTo(Decision.markFailed("outcome_unknown:timeout"));
    assertThat(failing.decide(new SendResult.Ambiguous("timeout"), 1, retryIfUnknown))
        .isEqualTo(Decision.keepPending("timeout", null));
  }

  @Test
  void shouldFailWithMaxAttemptsExceededWhenRetriedAmbiguousOnLastAttempt() {
    assertThat(policy.decide(new SendResult.Ambiguous("timeout"), 5))
        .isEqualTo(Decision.markFailed("max_attempts_exceeded:timeout"));
  }

  @Test
  void shouldReleaseClaimWhenRateLimited() {
    SendResult limited =
        new SendResult.RateLimited(
            "telegram:429", SendResult.Scope.PLATFORM, Duration.ofSeconds(3));

    assertThat(policy.decide(limited, 5)).isEqualTo(Decision.releaseClaim("telegram:429"));
  }

  @Test
  void shouldReleaseClaimWhenFatal() {
    assertThat(policy.decide(new SendResult.Fatal("telegram:401_unauthorized"), 5))
        .isEqualTo(Decision.releaseClaim("telegram:401_unauthorized"));
  }

  private static DeliveryRequest withMetadata(String json) {
    return TestRequests.withMetadata(TestRequests.request(Platform.TELEGRAM, "1", "text"), json);
  }
}
