import Foundation
import XCTest
@testable import Learn

/// Expected values: θ₀ = [1, −2, 0.5], gradients g₁ = [0.1, −0.2, 0.3], g₂ = [0.4, 0.1, −0.5],
/// g₃ = [−0.3, 0.2, 0.1], lr = 0.1, decay mask [1, 0, 1]. The SGD cases are worked by hand below; the others
/// were computed with plain Python floats from the published (PyTorch documentation) formulas by
/// `python3 opt_ref.py`, whose full text is reproduced at the end of this file.
final class OptimizerTests: XCTestCase {
    static let theta0: [Float] = [1, -2, 0.5]
    static let grads: [[Float]] = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]]
    static let mask: [Float] = [1, 0, 1]

    func run(_ optimizer: inout some Optimizer, steps: Int, lr: Float = 0.1) -> [Float] {
        var theta = Self.theta0
        for s in 0..<steps {
            theta.withUnsafeMutableBufferPointer { p in
                Self.grads[s].withUnsafeBufferPointer { g in
                    Self.mask.withUnsafeBufferPointer { m in
                        optimizer.step(parameters: p, gradients: g, decayMask: m, learningRate: lr)
                    }
                }
            }
        }
        return theta
    }

    func assertClose(_ got: [Float], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, file: file, line: line)
        for (g, e) in zip(got, expected) {
            XCTAssertEqual(Double(g), e, accuracy: 2e-6 * max(1, abs(e)), "\(got) vs \(expected)", file: file, line: line)
        }
    }

    // MARK: SGD (by hand)

    func testSGDPlain() {
        // θ₂ = θ₀ − 0.1·(g₁ + g₂) = [1 − 0.1·0.5, −2 − 0.1·(−0.1), 0.5 − 0.1·(−0.2)] = [0.95, −1.99, 0.52]
        var o = SGD()
        assertClose(run(&o, steps: 2), [0.95, -1.99, 0.52])
        XCTAssertEqual(o.checkpoint.steps, 2)
        XCTAssertEqual(o.checkpoint.vectors, [:], "no momentum, no state")
    }

    func testSGDMomentum() {
        // v₁ = g₁ = [.1, −.2, .3];              θ₁ = [0.99, −1.98, 0.47]
        // v₂ = .9·v₁ + g₂ = [.49, −.08, −.23];  θ₂ = [0.941, −1.972, 0.493]
        // v₃ = .9·v₂ + g₃ = [.141, .128, −.107]; θ₃ = [0.9269, −1.9848, 0.5037]
        var o = SGD(momentum: 0.9)
        assertClose(run(&o, steps: 3), [0.9269, -1.9848, 0.5037])
        assertClose(o.checkpoint.vectors["momentum_buffer"]!, [0.141, 0.128, -0.107])
    }

    func testSGDNesterovWithMaskedWeightDecay() {
        // g' = g + 0.1·mask·θ; v = .9v + g'; θ −= 0.1·(g' + .9v)
        // step 1: g' = [0.1 + 0.1·1, −0.2, 0.3 + 0.1·0.5] = [0.2, −0.2, 0.35]; v = g';
        //         θ₁ = θ₀ − 0.1·1.9·g' = [0.962, −1.962, 0.4335]
        // steps 2–3 by opt_ref.py: sgd(mu=0.9, nesterov=True, wd=0.1)
        var o = SGD(momentum: 0.9, nesterov: true, weightDecay: 0.1)
        assertClose(run(&o, steps: 1), [0.962, -1.962, 0.4335])
        var o3 = SGD(momentum: 0.9, nesterov: true, weightDecay: 0.1)
        assertClose(run(&o3, steps: 3), [0.8375708819999999, -1.9963199999999999, 0.4750407935])
    }

    // MARK: Adagrad, RMSprop, Adam, AdamW, NAdam (opt_ref.py)

    func testAdagrad() {
        // step 1 by hand: s = g₁² ; θ −= 0.1·g/|g| = θ₀ − 0.1·sign(g₁) = [0.9, −1.9, 0.4]
        var o1 = Adagrad()
        assertClose(run(&o1, steps: 1), [0.9, -1.9, 0.4])
        var o = Adagrad()
        assertClose(run(&o, steps: 3), [0.8618205906389128, -2.01138802622444, 0.46884620749816874])
        assertClose(o.checkpoint.vectors["sum"]!, [0.01 + 0.16 + 0.09, 0.04 + 0.01 + 0.04, 0.09 + 0.25 + 0.01])
    }

    func testAdagradLearningRateDecayAndWeightDecay() {
        var o = Adagrad(lrDecay: 0.5, weightDecay: 0.1)
        assertClose(run(&o, steps: 3), [0.8571832225604031, -1.963147573058886, 0.4408651459624067])
    }

    func testRMSprop() {
        // step 1 by hand: s = 0.01·g₁², √s = 0.1·|g|; θ −= 0.1·g/(0.1·|g| + 1e-8) = sign(g)·|g|/(|g| + 1e-7):
        // [1 − 0.1/0.1000001, −2 + 0.2/0.2000001, 0.5 − 0.3/0.3000001] = [1e-6, −1.0000005, −0.49999967]
        var o1 = RMSprop()
        assertClose(run(&o1, steps: 1), [1 - 0.1 / 0.1000001, -2 + 0.2 / 0.2000001, 0.5 - 0.3 / 0.3000001])
        var o = RMSprop()
        assertClose(run(&o, steps: 3), [-0.3800323541319197, -2.119023499828726, 0.1885536798161961])
        XCTAssertEqual(Set(o.checkpoint.vectors.keys), ["square_avg"])
    }

    func testRMSpropCenteredMomentumWeightDecay() {
        var o = RMSprop(momentum: 0.9, centered: true, weightDecay: 0.1)
        assertClose(run(&o, steps: 3), [-2.7047417194024037, -0.8007098555443253, -0.6843007373981698])
        XCTAssertEqual(Set(o.checkpoint.vectors.keys), ["square_avg", "grad_avg", "momentum_buffer"])
    }

    func testAdam() {
        // step 1 by hand: m̂ = g, v̂ = g² ⇒ θ −= 0.1·g/(|g| + 1e-8) ≈ θ₀ − 0.1·sign(g₁) = [0.9, −1.9, 0.4]
        var o1 = Adam()
        assertClose(run(&o1, steps: 1), [0.9, -1.9, 0.4])
        var o = Adam()
        assertClose(run(&o, steps: 3), [0.7938915337896525, -1.900635980238933, 0.44091700021106006])
        XCTAssertEqual(o.checkpoint.steps, 3)
    }

    func testAdamCoupledWeightDecay() {
        var o = Adam(weightDecay: 0.1)
        assertClose(run(&o, steps: 3), [0.7629990181909688, -1.900635980238933, 0.41744992007221243])
    }

    func testAdamWDecoupledWeightDecay() {
        // step 1 by hand: θ ← θ − 0.1·0.1·mask·θ = [0.99, −2, 0.495], then the Adam step −0.1·sign(g₁):
        // [0.89, −1.9, 0.395]
        var o1 = AdamW(weightDecay: 0.1)
        assertClose(run(&o1, steps: 1), [0.89, -1.9, 0.395])
        var o = AdamW(weightDecay: 0.1)
        assertClose(run(&o, steps: 3), [0.7670649100509012, -1.900635980238933, 0.4277629389470788])
        // The element with mask 0 follows plain Adam exactly.
        var adam = Adam()
        var adamw = AdamW(weightDecay: 0.1)
        XCTAssertEqual(run(&adam, steps: 3)[1].bitPattern, run(&adamw, steps: 3)[1].bitPattern)
    }

    func testNAdam() {
        var o = NAdam()
        assertClose(run(&o, steps: 3), [0.8508351464176899, -2.0087908738148754, 0.46448697242443593])
        var o2 = NAdam(weightDecay: 0.1)
        assertClose(run(&o2, steps: 2), [0.7952298116125949, -1.9354657977702057, 0.47375506637098386])
    }

    func testNAdamFirstStepByHand() {
        // t = 1: μ₁ = 0.9·(1 − ½·0.96^0.004), μ₂ = 0.9·(1 − ½·0.96^0.008), Π₁ = μ₁; m = 0.1·g, v̂ = g², d = |g|
        // θ₁ = θ₀ − 0.1·(1 − μ₁)/(1 − μ₁)·sign(g) − 0.1·μ₂/(1 − μ₁μ₂)·0.1·sign(g)
        let mu1 = 0.9 * (1 - 0.5 * pow(0.96, 0.004)), mu2 = 0.9 * (1 - 0.5 * pow(0.96, 0.008))
        let delta = 0.1 + 0.1 * mu2 / (1 - mu1 * mu2) * 0.1
        var o = NAdam()
        assertClose(run(&o, steps: 1), [1 - delta, -2 + delta, 0.5 - delta])
    }

    // MARK: State and checkpoints

    func testStateIsCreatedLazily() throws {
        for name in OptimizerFactory.names {
            let o = try OptimizerFactory.make(name: name, options: name == "sgd" ? ["momentum": 0.9] : [:])
            XCTAssertEqual(o.checkpoint, OptimizerCheckpoint(), name)
            XCTAssertEqual(o.name, name)
        }
    }

    /// Options that switch on every state vector of each optimizer.
    static let fullOptions: [(String, [String: Double])] = [
        ("sgd", ["momentum": 0.9, "weight_decay": 0.01]),
        ("sgd", ["momentum": 0.8, "nesterov": 1]),
        ("adagrad", ["lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator": 0.1]),
        ("rmsprop", ["momentum": 0.9, "centered": 1, "weight_decay": 0.01]),
        ("rmsprop", [:]),
        ("adam", ["weight_decay": 0.01]),
        ("adamw", [:]),
        ("nadam", ["weight_decay": 0.01]),
    ]

    func testCheckpointRestoreIsBitIdentical() throws {
        let n = 1000
        var generator = SeededGenerator(seed: 7)
        let start = (0..<n).map { _ in Float.random(in: -1...1, using: &generator) }
        let gradients = (0..<9).map { _ in (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }
        let mask = (0..<n).map { Float($0 % 3 == 0 ? 0 : 1) }
        func steps(_ o: inout any Optimizer, _ theta: inout [Float], _ range: Range<Int>) {
            for s in range {
                theta.withUnsafeMutableBufferPointer { p in
                    gradients[s].withUnsafeBufferPointer { g in
                        mask.withUnsafeBufferPointer { m in
                            o.step(parameters: p, gradients: g, decayMask: m, learningRate: 0.01 * Float(s + 1))
                        }
                    }
                }
            }
        }
        for (name, options) in Self.fullOptions {
            var straight = try OptimizerFactory.make(name: name, options: options)
            var a = start
            steps(&straight, &a, 0..<9)

            var first = try OptimizerFactory.make(name: name, options: options)
            var b = start
            steps(&first, &b, 0..<4)
            // Through JSON, as a checkpoint file would.
            let data = try JSONEncoder().encode(first.checkpoint)
            let saved = try JSONDecoder().decode(OptimizerCheckpoint.self, from: data)
            XCTAssertEqual(saved, first.checkpoint, name)
            XCTAssertEqual(saved.steps, 4)
            var resumed = try OptimizerFactory.make(name: name, options: options)
            resumed.checkpoint = saved
            steps(&resumed, &b, 4..<9)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(name) \(options)")
            XCTAssertEqual(straight.checkpoint, resumed.checkpoint, "\(name) \(options)")
            XCTAssertFalse(a.contains { !$0.isFinite })
        }
    }

    func testEmptyMaskMeansDecayEverywhere() {
        var masked = AdamW(weightDecay: 0.1)
        var unmasked = AdamW(weightDecay: 0.1)
        var a: [Float] = [1, 2], b: [Float] = [1, 2]
        let g: [Float] = [0.5, -0.5], ones: [Float] = [1, 1]
        a.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { gp in ones.withUnsafeBufferPointer { m in
            masked.step(parameters: p, gradients: gp, decayMask: m, learningRate: 0.1) } } }
        b.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { gp in
            unmasked.step(parameters: p, gradients: gp, decayMask: UnsafeBufferPointer(start: nil, count: 0),
                          learningRate: 0.1) } }
        XCTAssertEqual(a, b)
    }

    // MARK: Factory

    func testFactoryBuildsConfiguredOptimizers() throws {
        let sgd = try XCTUnwrap(try OptimizerFactory.make(name: "SGD", options: ["momentum": 0.5, "nesterov": 1]) as? SGD)
        XCTAssertEqual(sgd.momentum, 0.5)
        XCTAssertTrue(sgd.nesterov)
        let adamw = try XCTUnwrap(try OptimizerFactory.make(name: "adamw", options: [:]) as? AdamW)
        XCTAssertEqual(adamw.weightDecay, 0.01)
        let rms = try XCTUnwrap(try OptimizerFactory.make(name: "rmsprop", options: ["centered": 1, "alpha": 0.9]) as? RMSprop)
        XCTAssertTrue(rms.centered)
        XCTAssertEqual(rms.alpha, 0.9)
        let nadam = try XCTUnwrap(try OptimizerFactory.make(name: "nadam", options: ["momentum_decay": 0.01]) as? NAdam)
        XCTAssertEqual(nadam.momentumDecay, 0.01)
    }

    func testFactoryErrors() {
        func message(_ name: String, _ options: [String: Double]) -> String {
            do { _ = try OptimizerFactory.make(name: name, options: options); return "" } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message("adamax", [:]).contains("unknown optimizer 'adamax'"))
        XCTAssertTrue(message("adamax", [:]).contains("adam, adamw"))
        XCTAssertTrue(message("adam", ["beta3": 1]).contains("unknown option 'beta3'"))
        XCTAssertTrue(message("adam", ["beta3": 1]).contains("beta1, beta2, eps, weight_decay"))
        XCTAssertTrue(message("adam", ["beta1": 1]).contains("'beta1' must be in [0, 1)"))
        XCTAssertTrue(message("sgd", ["nesterov": 1]).contains("requires 'momentum' > 0"))
        XCTAssertTrue(message("sgd", ["nesterov": 2, "momentum": 0.9]).contains("must be 0 or 1"))
        XCTAssertTrue(message("sgd", ["momentum": -1]).contains("'momentum' must be ≥ 0"))
        XCTAssertTrue(message("rmsprop", ["lr": 0.1]).contains("unknown option 'lr'"))
    }
}

/*
 opt_ref.py (run as `python3 opt_ref.py`):

# Reference values for OptimizerTests: plain Python floats, formulas as published by PyTorch's docs.
import math
theta0 = [1.0, -2.0, 0.5]
grads = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]]
mask = [1.0, 0.0, 1.0]
lr = 0.1

def coupled(g, th, wd): return [g[i] + wd * mask[i] * th[i] for i in range(3)]

def sgd(mu=0.0, nesterov=False, wd=0.0, steps=3):
    th = theta0[:]; v = [0.0]*3
    for g in grads[:steps]:
        g = coupled(g, th, wd)
        for i in range(3):
            if mu:
                v[i] = mu*v[i] + g[i]
                d = g[i] + mu*v[i] if nesterov else v[i]
            else: d = g[i]
            th[i] -= lr*d
    return th

def adagrad(eps=1e-10, lr_decay=0.0, wd=0.0, steps=3):
    th = theta0[:]; s = [0.0]*3
    for t, g in enumerate(grads[:steps], 1):
        g = coupled(g, th, wd); clr = lr/(1+(t-1)*lr_decay)
        for i in range(3):
            s[i] += g[i]**2; th[i] -= clr*g[i]/(math.sqrt(s[i])+eps)
    return th

def rmsprop(alpha=0.99, eps=1e-8, mu=0.0, centered=False, wd=0.0, steps=3):
    th = theta0[:]; s=[0.0]*3; a=[0.0]*3; b=[0.0]*3
    for g in grads[:steps]:
        g = coupled(g, th, wd)
        for i in range(3):
            s[i] = alpha*s[i] + (1-alpha)*g[i]**2
            if centered:
                a[i] = alpha*a[i] + (1-alpha)*g[i]; d = math.sqrt(s[i]-a[i]**2)+eps
            else: d = math.sqrt(s[i])+eps
            if mu: b[i] = mu*b[i] + g[i]/d; th[i] -= lr*b[i]
            else: th[i] -= lr*g[i]/d
    return th

def adam(b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=0.0, steps=3):
    th = theta0[:]; m=[0.0]*3; v=[0.0]*3
    for t, g in enumerate(grads[:steps], 1):
        for i in range(3): th[i] -= lr*decoupled*mask[i]*th[i]
        g = coupled(g, th, wd)
        for i in range(3):
            m[i] = b1*m[i]+(1-b1)*g[i]; v[i] = b2*v[i]+(1-b2)*g[i]**2
            th[i] -= (lr/(1-b1**t)) * m[i]/(math.sqrt(v[i])/math.sqrt(1-b2**t)+eps)
    return th

def nadam(b1=0.9, b2=0.999, eps=1e-8, psi=0.004, wd=0.0, steps=3):
    th = theta0[:]; m=[0.0]*3; v=[0.0]*3; prod = 1.0
    for t, g in enumerate(grads[:steps], 1):
        g = coupled(g, th, wd)
        mu = b1*(1-0.5*0.96**(t*psi)); mun = b1*(1-0.5*0.96**((t+1)*psi)); prod *= mu
        for i in range(3):
            m[i] = b1*m[i]+(1-b1)*g[i]; v[i] = b2*v[i]+(1-b2)*g[i]**2
            d = math.sqrt(v[i]/(1-b2**t))+eps
            th[i] -= lr*(1-mu)/(1-prod)*g[i]/d + lr*mun/(1-prod*mun)*m[i]/d
    return th

cases = {
 'sgdPlain2': sgd(steps=2), 'sgdMomentum3': sgd(mu=0.9), 'sgdNesterovDecay3': sgd(mu=0.9, nesterov=True, wd=0.1),
 'adagrad3': adagrad(), 'adagradDecay3': adagrad(lr_decay=0.5, wd=0.1),
 'rmsprop3': rmsprop(), 'rmspropCenteredMomentum3': rmsprop(mu=0.9, centered=True, wd=0.1),
 'adam3': adam(), 'adamCoupled3': adam(wd=0.1), 'adamw3': adam(decoupled=0.1), 'nadam3': nadam(), 'nadamDecay2': nadam(wd=0.1, steps=2),
}
for k, v in cases.items(): print(f"{k}: [{', '.join(repr(x) for x in v)}]")

Output:
sgdPlain2: [0.95, -1.99, 0.52]
sgdMomentum3: [0.9269, -1.9848, 0.5037]
sgdNesterovDecay3: [0.8375708819999999, -1.9963199999999999, 0.4750407935]
adagrad3: [0.8618205906389128, -2.01138802622444, 0.46884620749816874]
adagradDecay3: [0.8571832225604031, -1.963147573058886, 0.4408651459624067]
rmsprop3: [-0.3800323541319197, -2.119023499828726, 0.1885536798161961]
rmspropCenteredMomentum3: [-2.7047417194024037, -0.8007098555443253, -0.6843007373981698]
adam3: [0.7938915337896525, -1.900635980238933, 0.44091700021106006]
adamCoupled3: [0.7629990181909688, -1.900635980238933, 0.41744992007221243]
adamw3: [0.7670649100509012, -1.900635980238933, 0.4277629389470788]
nadam3: [0.8508351464176899, -2.0087908738148754, 0.46448697242443593]
nadamDecay2: [0.7952298116125949, -1.9354657977702057, 0.47375506637098386]
*/
