import CarbonCore
import FaultPoints
import Foundation
import Logging

/// Polls one Modbus device until cancelled. Each cycle runs the device's request plan through its
/// endpoint's shared connection, decodes every tag, stamps readings with the UTC time of receipt,
/// and hands them to `deliver` (the group commit: it returns once they are stored). A request the
/// device refuses with "illegal data address" is split and the bad tags are isolated, so the rest
/// keeps being read; a device that stops answering is quarantined and probed with backoff.
struct ModbusPoller: Sendable {
    typealias Deliver = @Sendable ([Reading], _ failedTags: [String]) async -> Void

    let device: DeviceFile
    let tags: [ModbusTag]
    let connection: ModbusConnection
    let quarantineAfter: Int
    let maximumBackoff: Duration
    let deliver: Deliver
    let logger: Logger

    func run() async {
        var plan = RequestPlanner.plan(tags: tags, maxGap: device.registers.maxGap ?? 0)
        let interval = Duration.milliseconds(device.intervalMilliseconds)
        var health = DeviceHealth(quarantineAfter: quarantineAfter, interval: interval, maximumBackoff: maximumBackoff)
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            let outcome = await cycle(&plan)
            FaultPoint.hit("agent.modbus.after-receive-before-commit")
            await deliver(outcome.readings, outcome.failedTags)
            let wasQuarantined = health.isQuarantined
            let wait = health.record(success: outcome.answered, jitter: Double.random(in: 0..<1))
            if health.isQuarantined != wasQuarantined {
                if health.isQuarantined {
                    logger.warning("device quarantined: probing with backoff", metadata: [LogKey.device: "\(device.name)"])
                } else {
                    logger.notice("device answering again", metadata: [LogKey.device: "\(device.name)"])
                }
            }
            // Fixed-rate schedule while healthy (no drift); from now while backing off.
            next = health.isQuarantined ? clock.now + wait : next + wait
            if next < clock.now { next = clock.now }
            try? await Task.sleep(until: next, clock: clock)
        }
    }

    struct CycleOutcome: Sendable {
        var readings: [Reading] = []
        var failedTags: [String] = []
        /// True when at least one request got an answer (data or a device exception).
        var answered = false
    }

    func cycle(_ plan: inout RequestPlan) async -> CycleOutcome {
        var outcome = CycleOutcome()
        var index = 0
        while index < plan.requests.count {
            let request = plan.requests[index]
            index += 1
            do {
                let values = try await connection.read(request.table.connectionTable, unit: device.unitID,
                                                       address: request.start, count: request.count)
                let received = Date()
                outcome.answered = true
                let decoded: [ReadRequest.Outcome]
                switch values {
                case .registers(let words): decoded = request.decode(registers: words)
                case .bits(let bits): decoded = request.decode(bits: bits)
                }
                for (slot, result) in zip(request.slots, decoded) {
                    switch result {
                    case .success(let reading):
                        outcome.readings.append(Reading(tag: slot.tag.name, unit: slot.tag.unit ?? "", time: received,
                                                        value: reading.value, quality: reading.quality.bufferQuality))
                    case .failure(let error):
                        outcome.failedTags.append(slot.tag.name)
                        logger.debug("tag not decoded", metadata: [LogKey.tag: "\(slot.tag.name)", LogKey.error: "\(error)"])
                    }
                }
            } catch where error.code == .illegalAddress {
                outcome.answered = true
                switch plan.recordIllegalDataAddress(request) {
                case .split(let parts):
                    logger.info("request refused (illegal address): split", metadata: [LogKey.device: "\(device.name)", "request": "\(request)", "parts": "\(parts.count)"])
                    index -= 1  // the plan replaced this request by its parts: read them now
                case .isolated(let tag):
                    outcome.failedTags.append(tag.name)
                    logger.warning("tag address refused by the device: no longer read", metadata: [LogKey.tag: "\(tag.name)"])
                    index -= 1
                }
            } catch {
                outcome.failedTags.append(contentsOf: request.tags.map(\.name))
                if error.code == .illegalFunction || error.code == .deviceException { outcome.answered = true }
                logger.debug("read failed", metadata: [LogKey.device: "\(device.name)", LogKey.error: "\(error)"])
            }
        }
        return outcome
    }
}

extension ModbusTable {
    var connectionTable: ModbusConnection.Table {
        switch self {
        case .coil: .coils
        case .discreteInput: .discreteInputs
        case .holdingRegister: .holdingRegisters
        case .inputRegister: .inputRegisters
        }
    }
}

extension Quality {
    var bufferQuality: Reading.Quality {
        switch self {
        case .good: .good
        case .outOfRange: .outOfRange
        }
    }
}
