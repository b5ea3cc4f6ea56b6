"""Logistic regression with BCE-with-logits and SGD."""
import torch
import torch.nn.functional as F

x = torch.tensor([[0.5, 1.0], [1.5, -0.5], [-1.0, 0.5], [-0.5, -1.5]])
t = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
w = torch.tensor([[0.0], [0.0]], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
opt = torch.optim.SGD([w, b], lr=0.5)

for step in range(25):
    z = x @ w + b
    loss = F.binary_cross_entropy_with_logits(z, t)
    opt.zero_grad()
    loss.backward()
    opt.step()
