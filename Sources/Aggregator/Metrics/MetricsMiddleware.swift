import Hummingbird

/// Counts every request and its duration under the matched route pattern.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: AggregatorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                        status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
