# optim.py — PyTorch golden values for test/optim.test.ts: optimizer trajectories, LR schedules,
# gradient clipping.
# Run: /usr/bin/python3 scripts/golden/optim.py > test/golden/optim.json
# Problem: three float64 parameters p0 [2,3], p1 [4], p2 [3] (p2 never gets a gradient, so every
# optimizer must skip it); a fixed sequence of STEPS gradients for p0 and p1 is written into the JSON
# and set as .grad before each step. Each case names its options in flintml's camelCase form.
import json
import math
import torch

torch.manual_seed(0)
STEPS = 6
P0 = torch.randn(2, 3, dtype=torch.float64)
P1 = torch.randn(4, dtype=torch.float64)
P2 = torch.randn(3, dtype=torch.float64)
GRADS = [[torch.randn(2, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)] for _ in range(STEPS)]

SNAKE = {"weightDecay": "weight_decay", "lrDecay": "lr_decay", "initialAccumulatorValue": "initial_accumulator_value"}

def kw(o):
    return {SNAKE.get(k, k): (tuple(v) if isinstance(v, list) else v) for k, v in o.items()}

# name, optimizer, options, second group (None = one group [p0, p1, p2]; else {p0} and {p1, p2} + these overrides)
CASES = [
    ("sgd", "SGD", {"lr": 0.1}, None),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, None),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}, None),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weightDecay": 0.1}, None),
    ("sgd_maximize", "SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}, None),
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.0}),
    ("adam", "Adam", {"lr": 0.01}, None),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "betas": [0.8, 0.9], "eps": 1e-3}, None),
    ("adam_wd", "Adam", {"lr": 0.01, "weightDecay": 0.1}, None),
    ("adam_amsgrad", "Adam", {"lr": 0.02, "amsgrad": True}, None),
    ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True, "weightDecay": 0.05}, None),
    ("adam_groups", "Adam", {"lr": 0.01}, {"lr": 0.1, "betas": [0.5, 0.6]}),
    ("adamw", "AdamW", {"lr": 0.01}, None),
    ("adamw_wd_amsgrad", "AdamW", {"lr": 0.05, "weightDecay": 0.2, "amsgrad": True}, None),
    ("adamw_maximize", "AdamW", {"lr": 0.01, "maximize": True}, None),
    ("rmsprop", "RMSprop", {"lr": 0.01}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}, None),
    ("rmsprop_momentum_wd", "RMSprop", {"lr": 0.01, "momentum": 0.9, "weightDecay": 0.1, "eps": 1e-4}, None),
    ("rmsprop_all", "RMSprop", {"lr": 0.02, "momentum": 0.5, "centered": True, "maximize": True}, None),
    ("adagrad", "Adagrad", {"lr": 0.1}, None),
    ("adagrad_decay", "Adagrad", {"lr": 0.1, "lrDecay": 0.05, "weightDecay": 0.1}, None),
    ("adagrad_init", "Adagrad", {"lr": 0.1, "initialAccumulatorValue": 0.5, "eps": 1e-3, "maximize": True}, None),
]

def run_case(opt, options, group2):
    ps = [P0.clone().requires_grad_(), P1.clone().requires_grad_(), P2.clone().requires_grad_()]
    cls = getattr(torch.optim, opt)
    if group2 is None:
        o = cls(ps, **kw(options))
    else:
        o = cls([{"params": [ps[0]]}, {"params": [ps[1], ps[2]], **kw(group2)}], **kw(options))
    traj = []
    for s in range(STEPS):
        ps[0].grad = GRADS[s][0].clone()
        ps[1].grad = GRADS[s][1].clone()
        o.step()
        traj.append([p.detach().flatten().tolist() for p in ps])
    return traj

optim_cases = [{"name": n, "opt": opt, "options": o, "group2": g, "traj": run_case(opt, o, g)} for n, opt, o, g in CASES]

# ---- LR schedulers: two groups (lr 0.1 and 0.05), SGD with momentum 0.9 -------------------------
SCHED_STEPS = 25
S = torch.optim.lr_scheduler

def sched_run(make, momentum=False, adam=False):
    ps = [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    if adam:
        o = torch.optim.Adam([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.05}], lr=0.1)
    else:
        o = torch.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.05}], lr=0.1, momentum=0.9)
    s = make(o)
    lrs, moms = [s.get_last_lr()], []
    key = (lambda g: g["betas"][0]) if adam else (lambda g: g["momentum"])
    moms.append([key(g) for g in o.param_groups])
    for _ in range(SCHED_STEPS - 1):
        o.step()
        s.step()
        lrs.append(s.get_last_lr())
        moms.append([key(g) for g in o.param_groups])
    return {"lrs": lrs, "momentum": moms}

sched_cases = {
    "StepLR": sched_run(lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    "MultiStepLR": sched_run(lambda o: S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3)),
    "ExponentialLR": sched_run(lambda o: S.ExponentialLR(o, gamma=0.9)),
    "CosineAnnealingLR": sched_run(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    "CosineAnnealingLR_7": sched_run(lambda o: S.CosineAnnealingLR(o, T_max=7)),
    "LinearLR": sched_run(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8)),
    "LinearLR_down": sched_run(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10)),
    "LambdaLR": sched_run(lambda o: S.LambdaLR(o, lr_lambda=lambda e: 1.0 / (1.0 + 0.3 * e))),
    "OneCycleLR": sched_run(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30)),
    "OneCycleLR_linear": sched_run(lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=25, anneal_strategy="linear", pct_start=0.4, div_factor=10.0, final_div_factor=100.0)),
    "OneCycleLR_three": sched_run(lambda o: S.OneCycleLR(o, max_lr=0.8, total_steps=26, three_phase=True, pct_start=0.25)),
    "OneCycleLR_adam": sched_run(lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=25, base_momentum=0.8, max_momentum=0.9), adam=True),
    "SequentialLR": sched_run(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)], milestones=[5])),
    "SequentialLR_cos": sched_run(lambda o: S.SequentialLR(o, [S.StepLR(o, step_size=2, gamma=0.5), S.CosineAnnealingLR(o, T_max=6, eta_min=0.01), S.ExponentialLR(o, gamma=0.8)], milestones=[4, 15])),
}

# ---- gradient clipping ------------------------------------------------------------------------
clip = {}
for norm_type in [2.0, 1.0, 3.0, "inf"]:
    for max_norm in [0.5, 100.0]:
        ps = [P0.clone().requires_grad_(), P1.clone().requires_grad_()]
        ps[0].grad = GRADS[0][0].clone()
        ps[1].grad = GRADS[0][1].clone()
        nt = math.inf if norm_type == "inf" else norm_type
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=nt)
        clip[f"norm_{norm_type}_{max_norm}"] = {"normType": norm_type, "maxNorm": max_norm, "total": total.item(),
                                                "grads": [p.grad.flatten().tolist() for p in ps]}
ps = [P0.clone().requires_grad_(), P1.clone().requires_grad_()]
ps[0].grad = GRADS[0][0].clone()
ps[1].grad = GRADS[0][1].clone()
torch.nn.utils.clip_grad_value_(ps, 0.7)
clip["value_0.7"] = {"grads": [p.grad.flatten().tolist() for p in ps]}

print(json.dumps({
    "torch": torch.__version__,
    "params": [P0.flatten().tolist(), P1.flatten().tolist(), P2.flatten().tolist()],
    "shapes": [[2, 3], [4], [3]],
    "grads": [[g.flatten().tolist() for g in gs] for gs in GRADS],
    "optim": optim_cases,
    "sched": sched_cases,
    "clip": clip,
}, separators=(",", ":")))
