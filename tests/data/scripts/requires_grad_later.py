"""Weights made by arithmetic, then marked with requires_grad_(): they are leaves from that point on."""
import torch

x = torch.arange(6.0).reshape(3, 2)
w = (torch.arange(2.0) * 0.1 - 0.05).reshape(2, 1).requires_grad_()
b = torch.zeros(1).requires_grad_()
y = torch.tensor([[1.0], [2.0], [3.0]])
optimizer = torch.optim.SGD([w, b], lr=0.01)
for step in range(20):
    loss = ((x @ w + b - y) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
