import Prometheus

/// The aggregator's Prometheus registry and the handles made once at start (not per request).
/// Scraped from a separate loopback listener (`--metrics-listen`), so `/metrics` never joins the
/// public allow-list of the API.
final class AggregatorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Requests by route pattern (not raw path: ids would explode the label set), method and status class.
    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "aggregator_http_requests_total",
                             labels: [("route", route), ("method", method), ("status", "\(status / 100)xx")])
            .increment()
        registry.makeDurationHistogram(name: "aggregator_http_request_duration_seconds",
                                       labels: [("route", route)], buckets: Self.buckets)
            .record(duration)
    }

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
                                      .milliseconds(500), .seconds(2), .seconds(10)]

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
